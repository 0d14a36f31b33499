// **kern → MusicXML 4.0 (partwise), for the notes, rests, chords, ties, beams, clefs, keys, meters and barlines of
// piano scores such as GrandStaff's.
//
// Why a writer of our own: Verovio 6.3 reads MusicXML but cannot write it (its outputs are MEI, Humdrum, MIDI, PAE,
// SVG, timemap — see `outputTo` in getAvailableOptions), its Humdrum build has no MusicXML exporter either, and no
// maintained JavaScript package converts Humdrum or MEI to MusicXML. The subset is deliberately small: what the optical
// music checkpoints emit. Every **kern spine becomes one staff of a single part (the rightmost spine is staff 1, the
// top staff, as in print); the fields a `*^` split makes become voices of that staff. Articulations, ornaments,
// dynamics, grace notes, repeats and tuplet brackets are left out; a warning says when something was dropped.
//
// Timing: each record's onset is computed the Humdrum way — a data record lasts until the earliest moment at which
// some spine's current note ends — so voices that start mid-measure get a <forward>, and the divisions per quarter
// note are the least common multiple of every onset and duration denominator.

import type { KernRecord } from './validate';

interface Fraction {
  n: number;
  d: number;
}

interface NoteEvent {
  kind: 'note';
  staff: number;
  voice: number;
  onset: Fraction;
  duration: Fraction;
  /** Printed type and tuplet ratio. */
  type: string;
  dots: number;
  /** Tuplet ratio, and the span of one complete group (normal × the printed type) in quarter notes. */
  tuplet: { actual: number; normal: number; span: Fraction } | null;
  pitches: ({ step: string; alter: number; accidental: string | null; octave: number; tieStart: boolean; tieStop: boolean } | null)[];
  beam: 'begin' | 'continue' | 'end' | null;
  stem: 'up' | 'down' | null;
}

interface AttributeEvent {
  kind: 'attributes';
  staff: number;
  voice: number;
  onset: Fraction;
  clef?: { sign: string; line: number; octave: number };
  key?: number;
  time?: { beats: string; beatType: string };
}

type Event = NoteEvent | AttributeEvent;

interface Measure {
  number: string;
  start: Fraction;
  events: Event[];
  finalBar: boolean;
}

export interface MusicXmlResult {
  xml: string;
  warnings: string[];
}

const KEY = /^\*k\[((?:[a-g][#-])*)\]$/;
const METER = /^\*M(\d+)\/(\d+)$/;
const TYPES: Record<number, string> = { 0: 'breve', 1: 'whole', 2: 'half', 4: 'quarter', 8: 'eighth', 16: '16th', 32: '32nd', 64: '64th', 128: '128th' };

export function kernToMusicXml(records: KernRecord[], title = 'Score'): MusicXmlResult {
  const warnings = new Set<string>();
  const exclusive = records.find((r) => r.kind === 'exclusive');
  const kernTracks = exclusive ? exclusive.fields.filter((f) => f.exclusive === '**kern').map((f) => f.track) : [];
  // Rightmost kern spine → staff 1.
  const staffOf = new Map(kernTracks.map((track, i) => [track, kernTracks.length - i]));

  const measures: Measure[] = [];
  let measure: Measure = { number: '0', start: frac(0), events: [], finalBar: false };
  let now = frac(0);
  let ends: Fraction[] = exclusive ? exclusive.fields.map(() => frac(0)) : [];
  const beamDepth = new Map<string, number>();
  let keyFifths = 0;

  for (const record of records) {
    if (record.kind === 'exclusive' || record.kind === 'global-comment' || record.kind === 'comment') continue;
    if (record.kind === 'interpretation') {
      ends = nextEnds(record, ends, now);
      for (const f of record.fields) {
        const staff = staffOf.get(f.track);
        if (staff === undefined || f.sub !== 0) continue;
        const clef = clefOf(f.text);
        if (clef) measure.events.push({ kind: 'attributes', staff, voice: 1, onset: now, clef });
      }
      // Keys and meters belong to the whole part in MusicXML: the first spine that states one sets it (a model may
      // write it in one spine only), placed in that spine's staff at this moment.
      const keyField = record.fields.find((f) => staffOf.has(f.track) && KEY.test(f.text));
      const timeField = record.fields.find((f) => staffOf.has(f.track) && METER.test(f.text));
      if (keyField) {
        keyFifths = fifthsOf(KEY.exec(keyField.text)?.[1] ?? '');
        measure.events.push({ kind: 'attributes', staff: staffOf.get(keyField.track) ?? 1, voice: 1, onset: now, key: keyFifths });
      }
      if (timeField) {
        const [, beats = '4', beatType = '4'] = METER.exec(timeField.text) ?? [];
        measure.events.push({ kind: 'attributes', staff: staffOf.get(timeField.track) ?? 1, voice: 1, onset: now, time: { beats, beatType } });
      }
      continue;
    }
    if (record.kind === 'barline') {
      const hasNotes = measure.events.some((e) => e.kind === 'note');
      if (hasNotes) measures.push(measure);
      // Clefs, keys and meters met before the first note stay with the measure that gets the notes.
      const carried = hasNotes ? [] : measure.events;
      for (const e of carried) e.onset = now;
      const numbered = /^=+(\d+)/.exec(record.fields[0]?.text ?? '')?.[1];
      const number = numbered ?? String(measures.length + (measures[0]?.number === '0' ? 0 : 1));
      measure = { number, start: now, events: carried, finalBar: false };
      const closed = measures[measures.length - 1];
      if (record.fields.some((f) => f.text.startsWith('==')) && closed) closed.finalBar = true;
      continue;
    }
    // Data record.
    record.fields.forEach((f, i) => {
      const staff = staffOf.get(f.track);
      if (staff === undefined || f.text === '.' || f.text.startsWith('=')) return;
      const event = noteEvent(f.text, staff, f.sub + 1, now, beamDepth, keyFifths, warnings);
      if (!event) return;
      measure.events.push(event);
      ends[i] = add(now, event.duration);
    });
    const later = ends.filter((e) => compare(e, now) > 0);
    if (later.length > 0) now = later.reduce((a, b) => (compare(a, b) <= 0 ? a : b));
  }
  if (measure.events.some((e) => e.kind === 'note')) measures.push(measure);

  const divisions = measures
    .flatMap((m) => m.events.flatMap((e) => [sub(e.onset, m.start), ...(e.kind === 'note' ? [e.duration] : [])]))
    .reduce((l, f) => lcm(l, f.d), 1);
  const xml = writeXml(measures, Math.max(1, kernTracks.length), divisions, title, warnings);
  return { xml, warnings: [...warnings] };
}

function noteEvent(
  token: string,
  staff: number,
  voice: number,
  onset: Fraction,
  beamDepth: Map<string, number>,
  keyFifths: number,
  warnings: Set<string>,
): NoteEvent | null {
  const notes = token.split(' ').filter((t) => t !== '' && t !== '.');
  if (notes.length === 0) return null;
  const first = notes[0] ?? '';
  if (/q/i.test(first)) {
    warnings.add('grace notes are not written to MusicXML');
    return null;
  }
  const recip = /(\d+)(?:%(\d+))?(\.*)/.exec(first);
  if (!recip) return null;
  const n = Number(recip[1]);
  const m = recip[2] ? Number(recip[2]) : 1;
  const dots = (recip[3] ?? '').length;
  // Quarter-note units: 4/n (0 is a breve, 8 quarters), times m for n%m, times (2 − 2^−dots) for dots.
  let duration = n === 0 ? frac(8) : reduce(4 * m, n);
  duration = mul(duration, reduce(2 ** (dots + 1) - 1, 2 ** dots));
  const base = n === 0 ? 0 : 2 ** Math.floor(Math.log2(n));
  const type = TYPES[base] ?? 'quarter';
  const g = n === 0 ? 1 : gcd(n, base);
  const tuplet = n !== 0 && n !== base && m === 1 ? { actual: n / g, normal: base / g, span: reduce((4 * base) / g, base) } : null;
  if (m !== 1) warnings.add('rational (%) durations are written without a tuplet ratio');

  const key = `${staff}/${voice}`;
  const opens = (first.match(/L/g) ?? []).length;
  const closes = (first.match(/J/g) ?? []).length;
  const depthBefore = beamDepth.get(key) ?? 0;
  const depthAfter = Math.max(0, depthBefore + opens - closes);
  beamDepth.set(key, depthAfter);
  const beam = opens > 0 && depthBefore === 0 ? 'begin' : closes > 0 && depthAfter === 0 && depthBefore > 0 ? 'end' : depthBefore > 0 ? 'continue' : null;

  const pitches = notes.map((note) => {
    if (/r/.test(note)) return null;
    const letters = /([a-g])\1*|([A-G])\2*/.exec(note)?.[0];
    if (!letters) return null;
    const letter = letters.charAt(0);
    const lower = letter === letter.toLowerCase();
    const octave = lower ? 3 + letters.length : 4 - letters.length;
    const sharps = (note.match(/#/g) ?? []).length;
    const flats = (note.match(/-/g) ?? []).length;
    const step = letter.toUpperCase();
    const alter = sharps - flats;
    return {
      step,
      alter,
      // Kern spells the sounding pitch; print an accidental where it departs from the key signature or is forced
      // (`n` natural, `X` explicit). Accidentals carried through a measure are not tracked.
      accidental: alter !== keyAlter(keyFifths, step) || /[nX]/.test(note) ? ACCIDENTALS[alter] ?? null : null,
      octave,
      tieStart: /\[|_/.test(note),
      tieStop: /\]|_/.test(note),
    };
  });
  const stem = /\//.test(first) ? 'up' : /\\/.test(first) ? 'down' : null;
  return { kind: 'note', staff, voice, onset, duration, type, dots, tuplet, pitches, beam, stem };
}

/** The current-note end time per spine after an interpretation record (splits copy, joins keep the latest). */
function nextEnds(record: KernRecord, ends: Fraction[], now: Fraction): Fraction[] {
  const next: Fraction[] = [];
  const texts = record.fields.map((f) => f.text);
  for (let c = 0; c < texts.length; c++) {
    const end = ends[c] ?? now;
    if (texts[c] === '*^') next.push(end, end);
    else if (texts[c] === '*v') {
      let last = end;
      while (texts[c + 1] === '*v') last = max(last, ends[++c] ?? now);
      next.push(last);
    } else if (texts[c] === '*x') {
      next.push(ends[c + 1] ?? now, end);
      c++;
    } else if (texts[c] === '*+') next.push(end, now);
    else if (texts[c] !== '*-') next.push(end);
  }
  return next;
}

function clefOf(text: string): AttributeEvent['clef'] | undefined {
  const m = /^\*clef([GFC])(v|\^)?(\d)$/.exec(text);
  if (!m) return undefined;
  return { sign: m[1] ?? 'G', line: Number(m[3]), octave: m[2] === 'v' ? -1 : m[2] === '^' ? 1 : 0 };
}

const ACCIDENTALS: Record<number, string> = { [-2]: 'flat-flat', [-1]: 'flat', 0: 'natural', 1: 'sharp', 2: 'double-sharp' };

/** The alteration a key signature (in fifths) gives a step. */
function keyAlter(fifths: number, step: string): number {
  if (fifths > 0) return 'FCGDAEB'.indexOf(step) < fifths ? 1 : 0;
  if (fifths < 0) return 'BEADGCF'.indexOf(step) < -fifths ? -1 : 0;
  return 0;
}

function fifthsOf(signature: string): number {
  const sharps = (signature.match(/#/g) ?? []).length;
  const flats = (signature.match(/-/g) ?? []).length;
  return sharps - flats;
}

function writeXml(measures: Measure[], staves: number, divisions: number, title: string, warnings: Set<string>): string {
  const out: string[] = [];
  out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push('<!DOCTYPE score-partwise PUBLIC "-//Recordare//DTD MusicXML 4.0 Partwise//EN" "http://www.musicxml.org/dtds/partwise.dtd">');
  out.push('<score-partwise version="4.0">');
  out.push(`  <work><work-title>${escapeXml(title)}</work-title></work>`);
  out.push('  <identification><encoding><software>Paliscope</software></encoding></identification>');
  out.push('  <part-list><score-part id="P1"><part-name>Piano</part-name></score-part></part-list>');
  out.push('  <part id="P1">');
  const units = (f: Fraction): number => Math.round((f.n * divisions) / f.d);

  measures.forEach((m, index) => {
    out.push(`    <measure number="${escapeXml(m.number)}"${m.number === '0' ? ' implicit="yes"' : ''}>`);
    const attrs = m.events.filter((e): e is AttributeEvent => e.kind === 'attributes' && compare(e.onset, m.start) === 0);
    if (index === 0 || attrs.length > 0) out.push(attributesXml(attrs, index === 0 ? divisions : null, index === 0 ? staves : null));

    const streams = new Map<string, Event[]>();
    for (const e of m.events) {
      if (e.kind === 'attributes' && compare(e.onset, m.start) === 0) continue;
      const k = `${e.staff}/${e.voice}`;
      if (!streams.has(k)) streams.set(k, []);
      streams.get(k)!.push(e);
    }
    const keys = [...streams.keys()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    let cursor = m.start;
    // Open tuplet group of the current voice: how much of its span is filled.
    let tupletFilled: Fraction | null = null;
    keys.forEach((k, i) => {
      tupletFilled = null;
      if (i > 0 && compare(cursor, m.start) > 0) out.push(`      <backup><duration>${units(sub(cursor, m.start))}</duration></backup>`);
      cursor = m.start;
      const [staff = 1, voice = 1] = k.split('/').map(Number);
      const xmlVoice = (staff - 1) * 4 + voice;
      for (const e of streams.get(k)!) {
        if (compare(e.onset, cursor) > 0) {
          out.push(`      <forward><duration>${units(sub(e.onset, cursor))}</duration><voice>${xmlVoice}</voice><staff>${staff}</staff></forward>`);
          cursor = e.onset;
        } else if (compare(e.onset, cursor) < 0) {
          warnings.add('overlapping notes in one voice were written as they came');
        }
        if (e.kind === 'attributes') {
          out.push(attributesXml([e], null, null));
          continue;
        }
        // Verovio (and other readers) build tuplets from <tuplet> start / stop marks, not from <time-modification>.
        let tupletMark: 'start' | 'stop' | 'start stop' | null = null;
        if (e.tuplet) {
          const starts = tupletFilled === null;
          tupletFilled = add(tupletFilled ?? frac(0), e.duration);
          const stops = compare(tupletFilled, e.tuplet.span) >= 0;
          tupletMark = starts && stops ? 'start stop' : starts ? 'start' : stops ? 'stop' : null;
          if (stops) tupletFilled = null;
        } else {
          tupletFilled = null;
        }
        e.pitches.forEach((p, j) => out.push(noteXml(e, p, j > 0, units(e.duration), xmlVoice, j === 0 ? tupletMark : null)));
        cursor = add(cursor, e.duration);
      }
    });
    if (m.finalBar) out.push('      <barline location="right"><bar-style>light-heavy</bar-style></barline>');
    out.push('    </measure>');
  });
  out.push('  </part>');
  out.push('</score-partwise>');
  return out.join('\n') + '\n';
}

function attributesXml(attrs: AttributeEvent[], divisions: number | null, staves: number | null): string {
  const parts: string[] = [];
  if (divisions !== null) parts.push(`<divisions>${divisions}</divisions>`);
  const key = attrs.find((a) => a.key !== undefined)?.key;
  if (key !== undefined) parts.push(`<key><fifths>${key}</fifths></key>`);
  const time = attrs.find((a) => a.time)?.time;
  if (time) parts.push(`<time><beats>${time.beats}</beats><beat-type>${time.beatType}</beat-type></time>`);
  if (staves !== null) parts.push(`<staves>${staves}</staves>`);
  for (const a of attrs) {
    if (!a.clef) continue;
    const octave = a.clef.octave !== 0 ? `<clef-octave-change>${a.clef.octave}</clef-octave-change>` : '';
    parts.push(`<clef number="${a.staff}"><sign>${a.clef.sign}</sign><line>${a.clef.line}</line>${octave}</clef>`);
  }
  return `      <attributes>${parts.join('')}</attributes>`;
}

function noteXml(
  e: NoteEvent,
  p: NoteEvent['pitches'][number],
  chord: boolean,
  duration: number,
  voice: number,
  tuplet: 'start' | 'stop' | 'start stop' | null,
): string {
  const x: string[] = ['<note>'];
  if (chord) x.push('<chord/>');
  if (p === null) x.push('<rest/>');
  else x.push(`<pitch><step>${p.step}</step>${p.alter !== 0 ? `<alter>${p.alter}</alter>` : ''}<octave>${p.octave}</octave></pitch>`);
  x.push(`<duration>${duration}</duration>`);
  if (p?.tieStop) x.push('<tie type="stop"/>');
  if (p?.tieStart) x.push('<tie type="start"/>');
  x.push(`<voice>${voice}</voice>`);
  x.push(`<type>${e.type}</type>`);
  for (let i = 0; i < e.dots; i++) x.push('<dot/>');
  if (p?.accidental) x.push(`<accidental>${p.accidental}</accidental>`);
  if (e.tuplet) x.push(`<time-modification><actual-notes>${e.tuplet.actual}</actual-notes><normal-notes>${e.tuplet.normal}</normal-notes></time-modification>`);
  if (e.stem && p !== null) x.push(`<stem>${e.stem}</stem>`);
  x.push(`<staff>${e.staff}</staff>`);
  if (e.beam && p !== null && !chord) x.push(`<beam number="1">${e.beam}</beam>`);
  const notations = [
    p?.tieStop ? '<tied type="stop"/>' : '',
    p?.tieStart ? '<tied type="start"/>' : '',
    tuplet?.startsWith('start') ? '<tuplet type="start"/>' : '',
    tuplet?.endsWith('stop') ? '<tuplet type="stop"/>' : '',
  ].join('');
  if (notations) x.push(`<notations>${notations}</notations>`);
  x.push('</note>');
  return '      ' + x.join('');
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function frac(n: number): Fraction {
  return { n, d: 1 };
}
function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b) [a, b] = [b, a % b];
  return a || 1;
}
function lcm(a: number, b: number): number {
  return (a / gcd(a, b)) * b;
}
function reduce(n: number, d: number): Fraction {
  const g = gcd(n, d);
  return { n: n / g, d: d / g };
}
function add(a: Fraction, b: Fraction): Fraction {
  return reduce(a.n * b.d + b.n * a.d, a.d * b.d);
}
function sub(a: Fraction, b: Fraction): Fraction {
  return reduce(a.n * b.d - b.n * a.d, a.d * b.d);
}
function mul(a: Fraction, b: Fraction): Fraction {
  return reduce(a.n * b.n, a.d * b.d);
}
function compare(a: Fraction, b: Fraction): number {
  return a.n * b.d - b.n * a.d;
}
function max(a: Fraction, b: Fraction): Fraction {
  return compare(a, b) >= 0 ? a : b;
}
