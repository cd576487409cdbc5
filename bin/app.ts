#!/usr/bin/env node
import { createIrdrApp } from '../lib/irdr-app.js';

createIrdrApp().app.synth();
