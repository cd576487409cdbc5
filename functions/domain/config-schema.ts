import { z } from 'zod';

export const roleNames = ['responder', 'commander', 'approver', 'auditor'] as const;
export const RoleName = z.enum(roleNames);
export type RoleName = z.infer<typeof RoleName>;

const RoleContacts = z.object({
  emails: z.array(z.email()).min(1, 'each role needs at least one email address'),
});

export const IrdrConfig = z.object({
  $comment: z.string().optional(),
  mail: z.object({ from: z.email() }),
  roles: z.record(RoleName, RoleContacts),
});
export type IrdrConfig = z.infer<typeof IrdrConfig>;
