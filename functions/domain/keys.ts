/** Key formats of the single-table design (see DESIGN.md, "Data"). */

const SEQ_WIDTH = 10;

export const incidentPk = (incidentId: string): string => `INC#${incidentId}`;
export const META_SK = 'META';
export const eventSk = (seq: number): string => `EVT#${String(seq).padStart(SEQ_WIDTH, '0')}`;
export const EVENT_SK_PREFIX = 'EVT#';

/** GSI1 partition for one kind of record in one calendar month (UTC). */
export const monthPartition = (kind: 'INCIDENT' | 'DRILLRUN', at: string): string => `${kind}#${at.slice(0, 7)}`;
export const timeOrderedSk = (at: string, id: string): string => `${at}#${id}`;
