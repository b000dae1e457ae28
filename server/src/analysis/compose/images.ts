// What Pier knows about well-known images: which are databases, brokers or dashboards (for the
// exposed-port rule), a current tag to pin to, and a health check that works in the image.

import { parseImageRef, type ImageRef } from '../dockerfile/image-ref';

/** The kinds of service that should not face the network unprotected. */
export type AdminKind = 'database' | 'broker' | 'dashboard' | 'container API';

interface ImageFacts {
  kind?: AdminKind;
  /** A maintained tag that is published for arm64 and arm/v7 where the image has them. */
  tag?: string;
  /** A health check command (CMD-SHELL) that the image can run. */
  health?: string;
}

// Keys are repository names without the registry (`library/` dropped), or their last segment.
const IMAGES: Record<string, ImageFacts> = {
  postgres: { kind: 'database', tag: '17-alpine', health: 'pg_isready -U "$${POSTGRES_USER:-postgres}"' },
  'postgis/postgis': { kind: 'database' },
  'timescale/timescaledb': { kind: 'database', health: 'pg_isready -U postgres' },
  mysql: { kind: 'database', tag: '8.4', health: 'mysqladmin ping -h 127.0.0.1 --silent' },
  mariadb: { kind: 'database', tag: '11.4', health: 'healthcheck.sh --connect --innodb_initialized' },
  mongo: { kind: 'database', tag: '7.0', health: 'mongosh --quiet --eval "db.adminCommand(\'ping\')"' },
  redis: { kind: 'database', tag: '7.4-alpine', health: 'redis-cli ping | grep -q PONG' },
  'redislabs/redismod': { kind: 'database', health: 'redis-cli ping | grep -q PONG' },
  'redis/redis-stack': { kind: 'database', health: 'redis-cli ping | grep -q PONG' },
  valkey: { kind: 'database', health: 'valkey-cli ping | grep -q PONG' },
  memcached: { kind: 'database', tag: '1.6-alpine' },
  influxdb: { kind: 'database', tag: '2.7-alpine', health: 'influx ping' },
  couchdb: { kind: 'database' },
  cassandra: { kind: 'database' },
  elasticsearch: { kind: 'database', health: 'curl --silent --fail localhost:9200/_cluster/health || exit 1' },
  'elasticsearch/elasticsearch': { kind: 'database' },
  opensearch: { kind: 'database' },
  'opensearchproject/opensearch': { kind: 'database' },
  'mcr.microsoft.com/mssql/server': { kind: 'database' },
  'mcr.microsoft.com/azure-sql-edge': { kind: 'database' },
  'questdb/questdb': { kind: 'database' },
  etcd: { kind: 'database' },
  'bitnami/etcd': { kind: 'database' },
  rabbitmq: { kind: 'broker', tag: '4-management-alpine', health: 'rabbitmq-diagnostics -q ping' },
  'eclipse-mosquitto': { kind: 'broker', tag: '2' },
  'emqx/emqx': { kind: 'broker' },
  emqx: { kind: 'broker' },
  nats: { kind: 'broker', tag: '2-alpine' },
  'confluentinc/cp-kafka': { kind: 'broker' },
  'bitnami/kafka': { kind: 'broker' },
  'apache/kafka': { kind: 'broker' },
  'vectorized/redpanda': { kind: 'broker' },
  'redpandadata/redpanda': { kind: 'broker' },
  zookeeper: { kind: 'broker' },
  grafana: { kind: 'dashboard' },
  'grafana/grafana': { kind: 'dashboard', tag: '11.5.2', health: 'wget -q --spider http://127.0.0.1:3000/api/health || exit 1' },
  'grafana/grafana-oss': { kind: 'dashboard' },
  kibana: { kind: 'dashboard' },
  'dpage/pgadmin4': { kind: 'dashboard' },
  adminer: { kind: 'dashboard' },
  'phpmyadmin/phpmyadmin': { kind: 'dashboard' },
  phpmyadmin: { kind: 'dashboard' },
  'portainer/portainer-ce': { kind: 'container API' },
  'portainer/portainer': { kind: 'container API' },
  'portainer/agent': { kind: 'container API' },
  'prom/prometheus': { kind: 'dashboard', tag: 'v3.2.1' },
  'mongo-express': { kind: 'dashboard' },
  'rediscommander/redis-commander': { kind: 'dashboard' },
  'louislam/uptime-kuma': { kind: 'dashboard' },
  'nodered/node-red': { kind: 'dashboard' },
  'traefik': { tag: 'v3.3' },
  nginx: { tag: '1.27-alpine', health: 'wget -q --spider http://127.0.0.1/ || exit 1' },
  httpd: { tag: '2.4-alpine' },
  caddy: { tag: '2-alpine' },
  alpine: { tag: '3.21' },
  debian: { tag: 'bookworm-slim' },
  ubuntu: { tag: '24.04' },
  busybox: { tag: '1.37' },
  node: { tag: '22-alpine' },
  python: { tag: '3.13-slim' },
  golang: { tag: '1.24-alpine' },
  wordpress: { tag: '6-apache' },
  nextcloud: { tag: '30-apache' },
  'gitea/gitea': { tag: '1.23' },
  'pihole/pihole': { tag: '2025.02.0' },
  'eclipse-temurin': { tag: '21-jre-alpine' },
  'homeassistant/home-assistant': { tag: 'stable' },
  'linuxserver/plex': {},
};

/** Container ports that identify a database, broker or container API when the image does not. */
export const ADMIN_PORTS: Record<number, AdminKind> = {
  5432: 'database',
  3306: 'database',
  1433: 'database',
  27017: 'database',
  6379: 'database',
  11211: 'database',
  9042: 'database',
  5984: 'database',
  8086: 'database',
  9200: 'database',
  2379: 'database',
  5672: 'broker',
  15672: 'dashboard',
  2375: 'container API',
  2376: 'container API',
};

/** Facts about an image reference, looked up by repository. */
export function imageFacts(ref: ImageRef | undefined): ImageFacts {
  if (!ref) return {};
  const full = ref.registry === 'docker.io' ? ref.repository : `${ref.registry}/${ref.repository}`;
  return IMAGES[full] ?? IMAGES[ref.repository] ?? IMAGES[ref.repository.slice(ref.repository.lastIndexOf('/') + 1)] ?? {};
}

/** Parse an image text, tolerating upper case in the registry part. */
export function imageRef(text: string): ImageRef | undefined {
  return parseImageRef(text.trim());
}
