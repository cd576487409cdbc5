import * as z from '../zod.js';

/**
 * The controls irdr's records evidence, one catalog for the runbook and drill plan schemas and the evidence report:
 * SOC 2 Trust Services Criteria (2017, revised points of focus 2022) and ISO/IEC 27001:2022 Annex A.
 */
export const CONTROLS = [
  { id: 'SOC2 CC7.3', framework: 'SOC 2', title: 'Evaluates security events to determine whether they are incidents' },
  { id: 'SOC2 CC7.4', framework: 'SOC 2', title: 'Responds to identified security incidents' },
  { id: 'SOC2 CC7.5', framework: 'SOC 2', title: 'Recovers from identified security incidents' },
  { id: 'SOC2 CC9.1', framework: 'SOC 2', title: 'Identifies, selects and develops risk mitigation activities for risks arising from potential business disruptions' },
  { id: 'SOC2 A1.2', framework: 'SOC 2', title: 'Data backup processes and recovery infrastructure' },
  { id: 'SOC2 A1.3', framework: 'SOC 2', title: 'Tests recovery plan procedures' },
  { id: 'SOC2 PI1.5', framework: 'SOC 2', title: 'Stores inputs, items in processing and outputs completely and accurately' },
  { id: 'ISO27001 A.5.24', framework: 'ISO/IEC 27001:2022', title: 'Incident management planning and preparation' },
  { id: 'ISO27001 A.5.25', framework: 'ISO/IEC 27001:2022', title: 'Assessment and decision on information security events' },
  { id: 'ISO27001 A.5.26', framework: 'ISO/IEC 27001:2022', title: 'Response to information security incidents' },
  { id: 'ISO27001 A.5.27', framework: 'ISO/IEC 27001:2022', title: 'Learning from information security incidents' },
  { id: 'ISO27001 A.5.28', framework: 'ISO/IEC 27001:2022', title: 'Collection of evidence' },
  { id: 'ISO27001 A.5.29', framework: 'ISO/IEC 27001:2022', title: 'Information security during disruption' },
  { id: 'ISO27001 A.5.30', framework: 'ISO/IEC 27001:2022', title: 'ICT readiness for business continuity' },
  { id: 'ISO27001 A.8.13', framework: 'ISO/IEC 27001:2022', title: 'Information backup' },
] as const;

export type ControlId = (typeof CONTROLS)[number]['id'];
// Marked pure so a bundle that never reads the catalog drops it (esbuild keeps any unmarked call).
export const CONTROL_IDS = /* @__PURE__ */ CONTROLS.map((control) => control.id) as [ControlId, ...ControlId[]];

/** A control a runbook or drill plan names: one of the catalog, written as `<framework> <id>`. */
// The message is made when an issue is raised: a template at load would keep the catalog in every bundle that imports the module.
export const ControlReference = z.enum(CONTROL_IDS, { error: () => `a control irdr maps, one of: ${CONTROL_IDS.join(', ')}` });
