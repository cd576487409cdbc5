/** A drill check could not run (its custom function failed, or answered something that is no verdict): not a data finding. */
export class DrillCheckError extends Error {
  override name = 'DrillCheckError';
}
