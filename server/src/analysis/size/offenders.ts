// Paths in an image that one of Pier's size rules explains: a reader of a layer breakdown goes
// from "/var/lib/apt/lists is 40 MB" to the rule that says how to avoid it.

const RULE_PATHS: ReadonlyArray<[RegExp, string]> = [
  [/^var\/lib\/apt\/lists(\/|$)/, 'apt-lists-not-cleaned'],
  [/^var\/cache\/apk(\/|$)/, 'apk-no-cache'],
  [/^(root|home\/[^/]+)\/\.cache\/pip(\/|$)/, 'pip-no-cache-dir'],
  [/^(root|home\/[^/]+)\/\.npm(\/|$)/, 'node-package-cache'],
  [/^(usr\/local\/share\/\.cache\/yarn|(root|home\/[^/]+)\/\.cache\/yarn|(root|home\/[^/]+)\/\.yarn-cache)(\/|$)/, 'node-package-cache'],
  [/^var\/cache\/yum(\/|$)/, 'yum-cache-not-cleaned'],
  [/^var\/cache\/dnf(\/|$)/, 'dnf-cache-not-cleaned'],
  [/^var\/cache\/zypp(\/|$)/, 'zypper-cache-not-cleaned'],
  [/(^|\/)\.git(\/|$)/, 'copy-all-without-dockerignore'],
];

/** The size rule a path in an image points to (`var/lib/apt/lists/...` -> apt-lists-not-cleaned). */
export function ruleForPath(path: string): string | undefined {
  const p = path.replace(/^\/+/, '');
  for (const [re, rule] of RULE_PATHS) if (re.test(p)) return rule;
  return undefined;
}
