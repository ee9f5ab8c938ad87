/** The body both servers answer with: a list of 50 objects, as a server list page would be. */
export const ITEMS = Array.from({ length: 50 }, (_, i) => ({
  id: `srv-${i.toString().padStart(4, '0')}`,
  name: `Survival ${i}`,
  state: i % 3 === 0 ? 'running' : 'offline',
  memoryMb: 2048 + i * 64,
  playersOnline: i % 7,
}));
