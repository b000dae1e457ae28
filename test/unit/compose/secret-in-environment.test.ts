import { composeRuleTable } from './tester';

composeRuleTable('secret-in-environment', {
  valid: [
    'services:\n  db:\n    image: postgres:17\n    environment:\n      POSTGRES_PASSWORD_FILE: /run/secrets/db_password\n',
    'services:\n  db:\n    image: postgres:17\n    environment:\n      - POSTGRES_PASSWORD=${POSTGRES_PASSWORD}\n      - PGADMIN_DEFAULT_PASSWORD=${PGADMIN_PW:?set it in .env}\n',
    // Switches and paths about secrets are not secrets (shapes from the awesome-compose corpus).
    'services:\n  db:\n    image: mariadb:11.4\n    environment:\n      - MYSQL_ALLOW_EMPTY_PASSWORD=yes\n      - MYSQL_ROOT_PASSWORD_FILE=/run/secrets/db-password\n      - DATABASE_PASSWORD=/run/secrets/db-password\n      - PASSWORD_MIN_LENGTH=12\n      - TOKEN_URL=https://auth.example.com/token\n',
    'services:\n  app:\n    image: app:1\n    environment:\n      DATABASE_URL: postgres://app@db:5432/app\n      PWD: /srv/app\n      SECRET_NAME: api-key\n      TOKEN_EXPIRE: 3600\n      PASSWORD_HASH_ROUNDS: 12\n',
    'services:\n  app:\n    image: app:1\n    environment:\n      - DATABASE_URL=postgres://app:${DB_PASSWORD}@db/app\n      - API_TOKEN\n',
  ],
  invalid: [
    {
      code: 'services:\n  db:\n    image: postgres:17\n    environment:\n      POSTGRES_USER: app\n      POSTGRES_PASSWORD: example\n',
      findings: [[5, 6, 5, 23]],
      output: 'services:\n  db:\n    image: postgres:17\n    environment:\n      POSTGRES_USER: app\n      POSTGRES_PASSWORD_FILE: /run/secrets/postgres_password\n    secrets:\n      - postgres_password\nsecrets:\n  postgres_password:\n    file: ./secrets/postgres_password.txt\n',
    },
    {
      // List form, an existing service secrets list and top-level secrets block.
      code: 'services:\n  db:\n    image: mariadb:11.4\n    environment:\n      - MYSQL_ROOT_PASSWORD=somewordpress\n    secrets:\n      - other\nsecrets:\n  other:\n    file: other.txt\n',
      findings: [[4, 8, 4, 27]],
      output: 'services:\n  db:\n    image: mariadb:11.4\n    environment:\n      - MYSQL_ROOT_PASSWORD_FILE=/run/secrets/mysql_root_password\n    secrets:\n      - other\n      - mysql_root_password\nsecrets:\n  other:\n    file: other.txt\n  mysql_root_password:\n    file: ./secrets/mysql_root_password.txt\n',
    },
    {
      code: 'services:\n  etl:\n    image: etl:1\n    environment:\n      DATABASE_URL: mysql://root:whalehello@db:3306/mysql\n      GITHUB: ghp_0123456789abcdefghijklmnopqrstuvwxyzAB\n',
      findings: [{ line: 4, message: /connection string/ }, { line: 5, message: /GitHub token/ }],
    },
    { code: 'services:\n  grafana:\n    image: grafana/grafana:11.5.2\n    environment:\n      - GF_SECURITY_ADMIN_PASSWORD=grafana\n      - SECRET_KEY_BASE="x8f..."\n', findings: [4, 5] },
  ],
});
