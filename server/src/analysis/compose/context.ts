// The parsed view of a Compose file that every Compose rule reads: the YAML document with
// positions, the services with their build and image, the top-level resources, interpolation
// with the `.env` values, and the facts about files on disk the caller passed in.

import { posix } from 'node:path';
import { isMap, isPair, isScalar, visit, type Document, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { LineIndex } from '../engine/text';
import type { LintSettings, Range, Report } from '../engine/types';
import { interpolate, parseDotenv, type Interpolated, type Vars } from './interpolation';
import { keyName, MAX_ALIAS_EXPANSION, nodeSpan, parseYaml, YamlReader } from './yaml-doc';

/** What the caller knows about files around the Compose file (the analysis itself reads no files). */
export interface ComposeFileFacts {
  /** Absolute path of the Compose file; findings that point into its Dockerfiles need it. */
  path?: string;
  /** Text of the `.env` beside the file; null when there is none; undefined when unknown. */
  dotenv?: string | null;
  /** What exists, by path key (see `pathKey`): 'file', 'dir', or null for missing; absent = unknown. */
  paths?: Record<string, 'file' | 'dir' | null>;
  /** Dockerfile texts by path key; null when missing; absent = unknown. */
  dockerfiles?: Record<string, string | null>;
}

/** A YAML problem at a place in the text. */
export interface ParseProblem {
  range: Range;
  message: string;
}

/** A service's `build:` section, with paths interpolated. */
export interface BuildInfo {
  /** The `build` pair (its key is where build findings go). */
  pair: Pair;
  context: string;
  /** True when the context and dockerfile had no unknown variables. */
  complete: boolean;
  /** The node holding the context path (the build string itself in the short form). */
  contextNode?: Node;
  dockerfile: string;
  dockerfileNode?: Node;
  /** `dockerfile_inline` is used: there is no Dockerfile on disk. */
  inline: boolean;
  /** The context is a URL (git, http): nothing on disk to check. */
  remote: boolean;
  /** Path keys for the context directory and the Dockerfile. */
  contextKey: string;
  dockerfileKey: string;
  target?: string;
}

/** One entry under `services:`. */
export interface Service {
  name: string;
  pair: Pair;
  /** The service's name in the file. */
  key: Scalar;
  keyRange: Range;
  /** The service's mapping (after aliases); undefined when it is not a mapping. */
  map?: YAMLMap;
  /** Value of a key (own or merged in), aliases followed. */
  get(key: string): Node | undefined;
  /** The pair for a key (own or merged in). */
  pairOf(key: string): Pair | undefined;
  /** A scalar value of a key, as a string after interpolation. */
  str(key: string): (Interpolated & { node: Scalar }) | undefined;
  build?: BuildInfo;
  /** `extends:` is used: keys may come from elsewhere. */
  extends: boolean;
  profiles: string[];
}

/** The top-level resource kinds services refer to. */
export type ResourceKind = 'networks' | 'volumes' | 'secrets' | 'configs';

/** Everything a Compose rule can read, plus `report`. */
export interface ComposeContext {
  text: string;
  lines: LineIndex;
  doc: Document.Parsed;
  yaml: YamlReader;
  /** The top-level mapping; undefined when the document is not a mapping. */
  root?: YAMLMap;
  settings: LintSettings;
  files: ComposeFileFacts;
  /** Variables from `.env`; undefined when the `.env` is unknown. */
  vars: Vars | undefined;
  services: Service[];
  serviceByName: Map<string, Service>;
  /**
   * True for a file that is likely layered over another (`compose.override.yaml`,
   * `docker-compose.prod.yml`) or includes others: things missing here may be defined there.
   */
  partial: boolean;
  yamlProblems: ParseProblem[];
  /** The document as plain data (computed once); `bomb` is set when aliases exceed the budget. */
  data(): { value: unknown; bomb?: ParseProblem };
  /** Entries of a top-level resource map (`networks:` ...), by name. */
  resources(kind: ResourceKind): Map<string, Pair>;
  /** Range of a node's value. */
  range(node: unknown): Range;
  /** Range of a pair's key. */
  keyRange(pair: Pair): Range;
  /** A scalar node's string value after interpolation; undefined for non-scalars. */
  str(node: unknown): Interpolated | undefined;
  /** The text of a Dockerfile by path key: string, null (missing) or undefined (unknown). */
  dockerfileText(key: string): string | null | undefined;
  /** What exists at a path key: 'file', 'dir', null (missing) or undefined (unknown). */
  pathKind(key: string): 'file' | 'dir' | null | undefined;
  report(r: Report): void;
}

/** Normalise a path as written in the Compose file into the key used in `ComposeFileFacts`. */
export function pathKey(p: string, base = '.'): string {
  const joined = p.startsWith('/') ? p : posix.join(base, p);
  const n = posix.normalize(joined.replace(/\\/g, '/'));
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

/** True for a build context that is not a local directory. */
export function isRemoteContext(p: string): boolean {
  return /^(https?:\/\/|git@|git:\/\/|ssh:\/\/|github\.com\/)/.test(p) || /\.git(#.*)?$/.test(p);
}

/** Build the context; `report` is supplied by the runner. Never throws on any text. */
export function buildComposeContext(text: string, settings: LintSettings, files: ComposeFileFacts, report: (r: Report) => void): ComposeContext {
  const lines = new LineIndex(text);
  const doc = parseYaml(text);
  const yaml = new YamlReader(doc);
  const range = (node: unknown): Range => {
    const s = nodeSpan(node) ?? [0, 0];
    return lines.range(s[0], s[1]);
  };
  const keyRange = (pair: Pair): Range => (nodeSpan(pair.key) ? range(pair.key) : range(pair.value));
  const yamlProblems: ParseProblem[] = [...doc.errors, ...doc.warnings.filter((w) => w.code !== 'TAG_RESOLVE_FAILED')].map((e) => ({
    range: lines.range(e.pos[0], tokenEnd(text, e.pos[0], e.pos[1])),
    message: cleanYamlMessage(e.message),
  }));
  const vars = files.dotenv === undefined ? undefined : parseDotenv(files.dotenv ?? '');
  const str = (node: unknown): Interpolated | undefined => {
    const s = yaml.scalar(node);
    if (!s || s.value === null || s.value === undefined || typeof s.value === 'symbol') return undefined;
    return interpolate(String(s.value), vars);
  };
  const root = isMap(doc.contents) ? doc.contents : undefined;

  let data: { value: unknown; bomb?: ParseProblem } | undefined;
  const getData = () => {
    if (data) return data;
    const r = doc.contents ? yaml.tryToJS(doc.contents) : { value: null };
    data = { value: r.value };
    if (r.error === 'bomb') {
      // Point at the top-level key whose aliases blow the budget.
      const culprit = root?.items.find((p) => isPair(p) && yaml.tryToJS(p.value).error === 'bomb') as Pair | undefined;
      data.bomb = {
        range: culprit ? keyRange(culprit) : lines.range(0, 0),
        message: `Expanding the aliases${culprit ? ` under \`${keyName(culprit) ?? '?'}\`` : ''} exceeds ${MAX_ALIAS_EXPANSION} copies: the document looks like an alias bomb, so it is not validated further.`,
      };
    }
    return data;
  };
  // The parser accepts an alias with no anchor before it; Compose does not.
  if (text.includes('*')) {
    visit(doc, {
      Alias(_k, node) {
        if (yaml.deref(node) === undefined) yamlProblems.push({ range: range(node), message: `The alias \`*${node.source}\` has no anchor \`&${node.source}\` before it.` });
      },
    });
  }

  const services: Service[] = [];
  const serviceByName = new Map<string, Service>();
  for (const p of yaml.pairs(yaml.get(root, 'services'))) {
    const name = keyName(p);
    if (name === undefined || !isScalar(p.key)) continue;
    const map = yaml.map(p.value);
    const svc: Service = {
      name,
      pair: p,
      key: p.key,
      keyRange: keyRange(p),
      map,
      get: (k) => yaml.get(map, k),
      pairOf: (k) => yaml.pair(map, k),
      str(k) {
        const node = yaml.scalar(yaml.get(map, k));
        const v = node ? str(node) : undefined;
        return v && node ? { ...v, node } : undefined;
      },
      extends: yaml.pair(map, 'extends') !== undefined,
      profiles: yaml.items(yaml.get(map, 'profiles')).map((n) => String(yaml.value(n) ?? '')),
    };
    svc.build = readBuild(svc, yaml, str);
    services.push(svc);
    if (!serviceByName.has(name)) serviceByName.set(name, svc);
  }

  const resourceCache = new Map<ResourceKind, Map<string, Pair>>();
  const base = files.path ? posix.basename(files.path.replace(/\\/g, '/')) : '';
  const partial = /^(docker-)?compose\.[^/]+\.ya?ml$/.test(base) || yaml.pair(root, 'include') !== undefined;

  return {
    text,
    lines,
    doc,
    yaml,
    root,
    settings,
    files,
    vars,
    services,
    serviceByName,
    partial,
    yamlProblems,
    data: getData,
    resources(kind) {
      let m = resourceCache.get(kind);
      if (!m) {
        m = new Map();
        for (const p of yaml.pairs(yaml.get(root, kind))) {
          const k = keyName(p);
          if (k !== undefined && !m.has(k)) m.set(k, p);
        }
        resourceCache.set(kind, m);
      }
      return m;
    },
    range,
    keyRange,
    str,
    dockerfileText: (key) => (files.dockerfiles && key in files.dockerfiles ? files.dockerfiles[key] : undefined),
    pathKind: (key) => (files.paths && key in files.paths ? files.paths[key] : undefined),
    report,
  };
}

function readBuild(svc: Service, yaml: YamlReader, str: (n: unknown) => Interpolated | undefined): BuildInfo | undefined {
  const pair = svc.pairOf('build');
  if (!pair || !isPair(pair)) return undefined;
  const node = yaml.deref(pair.value);
  let contextNode: Node | undefined;
  let dockerfileNode: Node | undefined;
  let inline = false;
  let target: string | undefined;
  if (isScalar(node)) contextNode = node;
  else if (isMap(node)) {
    contextNode = yaml.get(node, 'context');
    dockerfileNode = yaml.get(node, 'dockerfile');
    inline = yaml.get(node, 'dockerfile_inline') !== undefined;
    target = str(yaml.get(node, 'target'))?.value;
  } else if (node !== undefined && !(isScalar(node) && node.value === null)) return undefined;
  const ctx = contextNode ? str(contextNode) : undefined;
  const df = dockerfileNode ? str(dockerfileNode) : undefined;
  const context = ctx?.value || '.';
  const dockerfile = df?.value || 'Dockerfile';
  const contextKey = pathKey(context);
  return {
    pair,
    context,
    complete: (ctx?.complete ?? true) && (df?.complete ?? true),
    contextNode,
    dockerfile,
    dockerfileNode,
    inline,
    remote: isRemoteContext(context),
    contextKey,
    dockerfileKey: pathKey(dockerfile, contextKey),
    target,
  };
}

/** The parser marks one character; widen that to the word there (a duplicate key, a stray token). */
function tokenEnd(text: string, start: number, end: number): number {
  if (end - start > 1) return end;
  const m = /^[^\s:,[\]{}#]+/.exec(text.slice(start, start + 200));
  return m ? start + m[0].length : Math.max(end, start);
}

/** The yaml package's messages end with a position and a code excerpt; the editor shows both already. */
function cleanYamlMessage(m: string): string {
  const first = m.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  return first.endsWith('.') ? first : `${first}.`;
}
