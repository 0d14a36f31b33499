// Public-domain English prose used to build synthetic evaluation pages.
export const PROSE: readonly string[] = [
  'It is a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a wife. However little known the feelings or views of such a man may be on his first entering a neighbourhood, this truth is so well fixed in the minds of the surrounding families, that he is considered the rightful property of some one or other of their daughters.',
  'It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of foolishness, it was the epoch of belief, it was the epoch of incredulity, it was the season of Light, it was the season of Darkness, it was the spring of hope, it was the winter of despair.',
  'Four score and seven years ago our fathers brought forth on this continent, a new nation, conceived in Liberty, and dedicated to the proposition that all men are created equal. Now we are engaged in a great civil war, testing whether that nation, or any nation so conceived and so dedicated, can long endure.',
  'Call me Ishmael. Some years ago, never mind how long precisely, having little or no money in my purse, and nothing particular to interest me on shore, I thought I would sail about a little and see the watery part of the world. It is a way I have of driving off the spleen and regulating the circulation.',
  'We hold these truths to be self-evident, that all men are created equal, that they are endowed by their Creator with certain unalienable Rights, that among these are Life, Liberty and the pursuit of Happiness. That to secure these rights, Governments are instituted among Men, deriving their just powers from the consent of the governed.',
  'Happy families are all alike; every unhappy family is unhappy in its own way. Everything was in confusion in the Oblonskys\' house. The wife had discovered that the husband was carrying on an intrigue with a French girl, who had been a governess in their family, and she had announced to her husband that she could not go on living in the same house with him.',
  'In my younger and more vulnerable years my father gave me some advice that I have been turning over in my mind ever since. Whenever you feel like criticizing any one, he told me, just remember that all the people in this world have not had the advantages that you have had.',
  'The sun shone, having no alternative, on the nothing new. Alice was beginning to get very tired of sitting by her sister on the bank, and of having nothing to do: once or twice she had peeped into the book her sister was reading, but it had no pictures or conversations in it, and what is the use of a book, thought Alice, without pictures or conversations?',
];

export type Script = 'latin-ext' | 'greek' | 'cyrillic';

/**
 * Short prose per script for per-script CER, written for these tests: accented Latin (French,
 * German, Norwegian, Polish, Czech: é è ç ü ö ä ß ø å æ ł ż ś ą ř), Greek (with tonos) and Cyrillic.
 */
export const SCRIPT_PROSE: Readonly<Record<Script, readonly string[]>> = {
  'latin-ext': [
    'Le médecin a écrit une lettre très claire à la sœur de son élève; elle était déjà à la gare quand le train arriva.',
    'Über die schmale Brücke gingen fünf Männer, während die Straße noch schlief und die Bäckerei Brötchen verkaufte.',
    'Søsteren hans bor på en gård ved fjorden, og hver høst plukker de epler og bær sammen med naboene.',
    'Łódź leży w środku kraju; żółty autobus jeździ tam codziennie przez most nad rzeką, także w święta.',
    'Na dvoře stál starý kůň a děti mu nosily řepu, zatímco dědeček opravoval střechu stodoly.',
  ],
  greek: [
    'Η θάλασσα ήταν ήσυχη το πρωί και οι ψαράδες γύρισαν στο λιμάνι με γεμάτα δίχτυα.',
    'Ο δάσκαλος έγραψε στον πίνακα μια μεγάλη πρόταση, και τα παιδιά την αντέγραψαν προσεκτικά στα τετράδιά τους.',
    'Στην πλατεία του χωριού υπάρχει ένα παλιό πλατάνι, κάτω από το οποίο κάθονται οι γέροντες το απόγευμα.',
  ],
  cyrillic: [
    'Утром над рекой стоял густой туман, и лодки медленно выходили из гавани одна за другой.',
    'Старый учитель написал на доске длинное предложение, а ученики аккуратно переписали его в тетради.',
    'В центре деревни растёт высокий дуб, под которым летом по вечерам собираются соседи.',
  ],
};
