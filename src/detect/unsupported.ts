/** A rule that cannot run as written; `reason` is shown with its path. */
export class Unsupported extends Error {}
