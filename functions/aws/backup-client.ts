import { BackupClient } from '@aws-sdk/client-backup';

/* One client per container. No endpoint here: AWS Backup has no local emulator; AWS_ENDPOINT_URL_BACKUP is read by the SDK itself. */
export const backupClient = new BackupClient({});
