import type { Command } from 'commander';
import * as detect from './detect.js';
import * as install from './install.js';
import * as lab from './lab.js';
import * as setup from './setup.js';
import * as inspect from './inspect.js';
import * as doctor from './doctor.js';
import * as failoverTest from './failover-test.js';
import * as completion from './completion.js';
import * as notify from './notify.js';

/**
 * Every command registers itself here. Registration only declares flags and help, and is
 * bundled with the program (loading many small files costs more at start-up than parsing
 * one); the work is imported lazily inside each action.
 */
export const commandModules: ReadonlyArray<{ register: (program: Command) => void }> = [detect, install, lab, setup, inspect, doctor, failoverTest, notify, completion];
