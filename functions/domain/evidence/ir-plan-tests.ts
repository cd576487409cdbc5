import type { ControlId } from './controls.js';
import type { ExportedIncident } from './exported-trail.js';
import type { SignOff } from './sign-off.js';

/**
 * What an exercise evidences, whatever its runbook maps: the IR plan was tested (SOC 2 CC7.4/CC7.5 responding to and
 * recovering from incidents, CC9.1 mitigating the risk of business disruption, ISO/IEC 27001 A.5.24 planning and
 * preparation). Never a runbook's live-incident controls.
 */
export const IR_PLAN_TEST_CONTROLS: readonly ControlId[] = ['SOC2 CC7.4', 'SOC2 CC7.5', 'SOC2 CC9.1', 'ISO27001 A.5.24'];

/** One exercise of the period as the export lists it under "IR plan tests". */
export interface IrPlanTest {
  readonly incidentId: string;
  readonly title: string;
  readonly runbookId: string;
  readonly openedAt: string;
  readonly resolvedAt?: string;
  /** The post-incident review's comment when its task was completed: the lessons learned. */
  readonly lessons?: string;
  readonly signOff?: SignOff;
  readonly controls: readonly ControlId[];
  readonly chainIntact: boolean;
}

export const isExercise = ({ incident }: ExportedIncident): boolean => incident.mode === 'exercise';

/** Every exercise of the period, oldest first: the population of IR plan tests (live incidents never among them). */
export function irPlanTests(incidents: readonly ExportedIncident[]): IrPlanTest[] {
  return incidents
    .filter(isExercise)
    .map((exported) => {
      const { incident, trail } = exported;
      const signOff = (incident as { signOff?: SignOff }).signOff;
      const lessons = trail.facts.reviewLessons;
      return {
        incidentId: incident.incidentId,
        title: incident.title,
        runbookId: incident.runbookId,
        openedAt: incident.openedAt,
        ...(incident.resolvedAt !== undefined && { resolvedAt: incident.resolvedAt }),
        ...(lessons !== undefined && { lessons }),
        ...(signOff !== undefined && { signOff }),
        controls: IR_PLAN_TEST_CONTROLS,
        chainIntact: trail.intact,
      };
    })
    .sort((a, b) => a.openedAt.localeCompare(b.openedAt));
}
