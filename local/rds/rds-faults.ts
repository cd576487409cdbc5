/**
 * Fault knobs of the local RDS, for drills' reliability tests: restores that fail (the database ends
 * `incompatible-restore` / `failed` instead of `available`) or take longer, and deletes refused as if the database were busy.
 */
export class RdsFaults {
  private restoresFail = false;
  private deletesRefused = false;
  private restoreHold = 0;

  /** While on, every restore (point in time, snapshot) started ends failed instead of available. */
  failRestores(on: boolean): void {
    this.restoresFail = on;
  }

  /** While on, DeleteDBInstance and DeleteDBCluster answer InvalidDBInstanceState / InvalidDBClusterStateFault. */
  refuseDeletes(on: boolean): void {
    this.deletesRefused = on;
  }

  /** While above 0, a restore (point in time, snapshot) turns available this many ms after its engine is up: a slow restore. */
  holdRestores(ms: number): void {
    this.restoreHold = ms;
  }

  get restoreHoldMs(): number {
    return this.restoreHold;
  }

  get restoreFails(): boolean {
    return this.restoresFail;
  }

  get deleteRefused(): boolean {
    return this.deletesRefused;
  }
}
