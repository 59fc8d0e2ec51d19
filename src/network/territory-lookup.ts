/** The territory module (src/territory) as the statistics read it. */
import { findCommune, findDepartment, findEpci } from '../territory/index.js';
import type { TerritoryLookup } from './network-stats.js';

export const territoryLookup: TerritoryLookup = {
  commune: (code) => findCommune(code) ?? null,
  epci: (code) => findEpci(code) ?? null,
  department: (code) => findDepartment(code) ?? null,
};
