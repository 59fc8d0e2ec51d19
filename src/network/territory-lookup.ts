/** The territory module (src/territory) as the statistics read it. */
import type { TerritoryLookup } from './network-stats.js';

// TEMPORARY until src/territory lands (branch structures).
export const territoryLookup: TerritoryLookup = {
  commune: () => null,
  epci: () => null,
  department: () => null,
};
