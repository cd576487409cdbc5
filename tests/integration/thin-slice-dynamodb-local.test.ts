import { describeThinSlice } from './support/thin-slice-suite.js';

// AWS's DynamoDB Local (Java): the fidelity backend, so it and the embedded default cannot drift apart.
describeThinSlice('local');
