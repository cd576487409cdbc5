/**
 * Fault knobs of the local RDS, for drills' reliability tests: restores that fail (the database ends
 * `incompatible-restore` / `failed` instead of `available`), and deletes refused as if the database were busy.
 */
export class RdsFaults {
  private restoresFail = false;
  private deletesRefused = false;

  /** While on, every restore (point in time, snapshot) started ends failed instead of available. */
  failRestores(on: boolean): void {
    this.restoresFail = on;
  }

  /** While on, DeleteDBInstance and DeleteDBCluster answer InvalidDBInstanceState / InvalidDBClusterStateFault. */
  refuseDeletes(on: boolean): void {
    this.deletesRefused = on;
  }

  get restoreFails(): boolean {
    return this.restoresFail;
  }

  get deleteRefused(): boolean {
    return this.deletesRefused;
  }
}
