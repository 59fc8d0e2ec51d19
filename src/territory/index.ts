/** The territory module's entry point: see territory.ts. */
export {
  type Area,
  type Commune,
  epciOfCommune,
  findCommune,
  findDepartment,
  findEpci,
  searchCommunes,
} from './territory.js';
