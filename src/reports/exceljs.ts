import type ExcelJS from 'exceljs';
import { lazyRequire } from '../shared/lazy-require.js';

/** exceljs, loaded by the first XLSX export (the event's and the network's), not at start-up. */
export const exceljs = lazyRequire<typeof ExcelJS>('exceljs');
