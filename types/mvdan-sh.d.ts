// mvdan-sh ships no types. Its AST is mvdan/sh's Go AST, reached through GopherJS objects;
// only the surface Pier uses is declared here, loosely.
declare module 'mvdan-sh' {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type Node = any;
  export const syntax: {
    NewParser(...opts: unknown[]): { Parse(src: string, name: string): Node };
    KeepComments(on: boolean): unknown;
    Variant(lang: unknown): unknown;
    LangBash: unknown;
    LangPOSIX: unknown;
    NodeType(n: Node): string;
    Walk(n: Node, fn: (n: Node) => boolean): void;
  };
}
