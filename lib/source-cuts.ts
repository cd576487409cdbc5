/**
 * `source` with `from` written as `to`, where `from` occurs exactly once; otherwise throws, naming the file and the cut:
 * a package upgrade that moves the code a bundle cut relies on is a build error, not a silent no-op.
 */
export function replaceOnce(source: string, from: string, to: string, cut: { readonly file: string; readonly why: string; readonly owner: string }): string {
  const count = source.split(from).length - 1;
  if (count !== 1) throw new Error(`${cut.file} no longer has ${JSON.stringify(from)} once (found it ${count} times) for the ${cut.why} cut of ${cut.owner}: adapt the cut to this version of the package`);
  return source.replace(from, () => to);
}
