/** A trail so contended that an append could not win a seq within its budget: nothing was written; the caller may retry. */
export class TrailBusyError extends Error {
  override name = 'TrailBusy';
}
