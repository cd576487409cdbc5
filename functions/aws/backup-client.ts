import { BackupClient } from '@aws-sdk/client-backup';

/* One client per container. No endpoint here: the SDK reads AWS_ENDPOINT_URL_BACKUP itself (the local stack sets it). */
export const backupClient = new BackupClient({});
