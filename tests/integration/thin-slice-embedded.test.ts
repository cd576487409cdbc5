import { describeThinSlice } from './support/thin-slice-suite.js';

describeThinSlice('embedded');
