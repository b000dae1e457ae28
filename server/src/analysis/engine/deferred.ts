// Parts of analysis that load on first use (the shell parser) can be held back, so that a first
// round of findings goes out before they load. Code that needs a held-back part throws NotLoaded;
// the rule runner then drops every finding of the rule that threw, so a rule is either reported
// whole or not at all, and the complete round that follows only adds findings.

/** Thrown when analysis needs a part that is not loaded while loading it is held back. */
export class NotLoaded extends Error {
  constructor(readonly part: string) {
    super(`${part} is not loaded yet`);
    this.name = 'NotLoaded';
  }
}
