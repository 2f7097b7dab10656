import { expect, test } from 'vitest';
import { choiceWindow } from '../../src/ui/Choice.js';

test.each<[string, number[], number, number, number, { first: number; size: number }]>([
  ['all fit', [1, 1, 1], 0, 0, 3, { first: 0, size: 3 }],
  ['too many: a window from the top, room for the "more" lines', [1, 1, 1, 1, 1, 1], 0, 0, 5, { first: 0, size: 3 }],
  ['the selection below the window moves it', [1, 1, 1, 1, 1, 1], 5, 0, 5, { first: 3, size: 3 }],
  ['moving up inside the window keeps it', [1, 1, 1, 1, 1, 1], 4, 3, 5, { first: 3, size: 3 }],
  ['above the window moves it up', [1, 1, 1, 1, 1, 1], 1, 3, 5, { first: 1, size: 3 }],
  ['tall options (wrapped labels, the selection with its description) count their rows', [3, 1, 1, 1, 2, 1], 0, 0, 6, { first: 0, size: 2 }],
  ['the last option, two rows tall', [1, 1, 1, 1, 1, 2], 5, 0, 6, { first: 3, size: 3 }],
  ['a terminal too short for anything but the selection', [1, 1, 1, 1], 2, 0, 2, { first: 2, size: 1 }],
])('%s', (_name, heights, focus, first, rows, expected) => {
  expect(choiceWindow(heights, focus, first, rows)).toEqual(expected);
});
