// Types for midi-file 1.x (a dev dependency: the tests read exported MIDI back with it; it ships none).

declare module 'midi-file' {
  export interface MidiEvent {
    deltaTime: number;
    type: string;
    noteNumber?: number;
    velocity?: number;
    channel?: number;
  }
  export interface MidiData {
    header: { format: number; numTracks: number; ticksPerBeat?: number };
    tracks: MidiEvent[][];
  }
  export function parseMidi(data: Uint8Array): MidiData;
}
