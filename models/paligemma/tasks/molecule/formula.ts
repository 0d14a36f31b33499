// Molecular formula (Hill system) from RDKit's JSON form of a molecule.
//
// Written by hand because RDKit's MinimalLib (the WebAssembly build) does not expose CalcMolFormula: its descriptor
// set (`get_descriptors()`) has weights, counts and logP but no formula, and a JSMol offers no per-atom access other
// than the JSON/molblock texts. The JSON (commonchem) gives every atom's atomic number, implicit + explicit hydrogen
// count and formal charge, which is all a formula needs. We follow CalcMolFormula's conventions so the result reads
// as RDKit's would: Hill order (C, then H, then the rest alphabetically; with no carbon, everything alphabetically),
// isotopes counted under their element, dummy atoms as "*", and the net charge appended ("+", "-", "+2", "-3").

// Index = atomic number; 0 is RDKit's dummy atom.
const SYMBOLS = (
  '* H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se Br Kr ' +
  'Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm Yb Lu Hf Ta W ' +
  'Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm Bk Cf Es Fm Md No Lr Rf Db Sg Bh Hs Mt Ds Rg Cn ' +
  'Nh Fl Mc Lv Ts Og'
).split(' ');

interface JsonAtom {
  z?: number;
  impHs?: number;
  chg?: number;
}
interface CommonChem {
  defaults?: { atom?: JsonAtom };
  molecules?: Array<{ atoms?: JsonAtom[] }>;
}

/** Hill formula of the first molecule in an RDKit JSON text (`mol.get_json()`); throws if the JSON is not RDKit's. */
export function formulaFromRdkitJson(json: string): string {
  const doc = JSON.parse(json) as CommonChem;
  const molecule = doc.molecules?.[0];
  if (!molecule?.atoms) throw new Error('RDKit JSON has no molecule with atoms');
  const defaults = { z: 6, impHs: 0, chg: 0, ...doc.defaults?.atom };
  const counts = new Map<string, number>();
  const add = (symbol: string, n: number): void => {
    if (n > 0) counts.set(symbol, (counts.get(symbol) ?? 0) + n);
  };
  let charge = 0;
  for (const atom of molecule.atoms) {
    const z = atom.z ?? defaults.z;
    const symbol = SYMBOLS[z];
    if (symbol === undefined) throw new Error(`RDKit JSON has an atom with atomic number ${z}`);
    add(symbol, 1);
    add('H', atom.impHs ?? defaults.impHs);
    charge += atom.chg ?? defaults.chg;
  }
  return hillFormula(counts) + chargeSuffix(charge);
}

/** Element counts written in Hill order. */
export function hillFormula(counts: ReadonlyMap<string, number>): string {
  const symbols = [...counts.keys()];
  const alphabetical = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  let order: string[];
  if (counts.has('C')) {
    const rest = symbols.filter((s) => s !== 'C' && s !== 'H').sort(alphabetical);
    order = ['C', ...(counts.has('H') ? ['H'] : []), ...rest];
  } else {
    order = symbols.sort(alphabetical);
  }
  return order.map((s) => (counts.get(s) === 1 ? s : `${s}${counts.get(s)}`)).join('');
}

function chargeSuffix(charge: number): string {
  if (charge === 0) return '';
  const sign = charge > 0 ? '+' : '-';
  const size = Math.abs(charge);
  return size === 1 ? sign : `${sign}${size}`;
}
