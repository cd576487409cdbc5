import rawConfig from '../config/irdr.config.json' with { type: 'json' };
import { IrdrConfig } from './domain/config-schema.js';

/** The deployment configuration, bundled into each function and read by CDK and the local stack alike. */
export const irdrConfig: IrdrConfig = IrdrConfig.parse(rawConfig);
