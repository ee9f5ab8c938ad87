import { expect } from 'chai';
import { readCommandAnswer } from './command-answers.js';

// Console lines as vanilla/Paper 1.21 and flying-squid print them (vanilla's en_us messages).
const vanilla = (message: string, level = 'INFO') => `[12:00:00] [Server thread/${level}]: ${message}`;
const squid = (message: string, level = 'INFO') => `November 26th 2026, 06:33:53 [${level}]: ${message}`;

describe('minecraft console answers to player-list commands', () => {
  const cases: Array<[Parameters<typeof readCommandAnswer>[0], string, string, string | null]> = [
    ['whitelist.add', 'Notch', vanilla('Added Notch to the whitelist'), 'done'],
    ['whitelist.add', 'Notch', vanilla('Player is already whitelisted'), 'unchanged'],
    ['whitelist.add', 'Notch', vanilla('That player does not exist'), 'refused'],
    ['whitelist.add', 'Notch', squid('Command not found', 'ERROR'), 'unknown_command'],
    ['whitelist.add', 'Notch', vanilla('Unknown or incomplete command, see below for error'), 'unknown_command'],
    ['whitelist.add', 'Notch', vanilla('Unknown command. Type "/help" for help.'), 'unknown_command'],
    ['whitelist.remove', 'Notch', vanilla('Removed Notch from the whitelist'), 'done'],
    ['op', 'Notch', vanilla('Made Notch a server operator'), 'done'],
    ['op', 'Notch', vanilla('Nothing changed. The player already is an operator'), 'unchanged'],
    ['op', 'Notch', squid('Notch is opped already'), 'unchanged'],
    ['deop', 'Notch', vanilla('Made Notch no longer a server operator'), 'done'],
    ['ban', 'Griefer', vanilla('Banned Griefer: broke the spawn'), 'done'],
    ['ban', 'Griefer', squid('Griefer is banned!', 'ERROR'), 'unchanged'],
    ['pardon', 'Griefer', vanilla("Nothing changed. The player isn't banned"), 'unchanged'],
    ['ban-ip', '203.0.113.9', vanilla('Banned IP 203.0.113.9: Banned by an operator'), 'done'],
    ['pardon-ip', '203.0.113.9', squid('IP 203.0.113.9 was pardoned'), 'done'],
    ['kick', 'Nobody', vanilla('No player was found'), 'refused'],
    ['kick', 'Troll', squid('[@] kicked Troll (spam)'), 'done'],
    ['kick', 'Troll', squid('Something broke', 'ERROR'), 'refused'],
    // Chat is never an answer, whatever it says.
    ['whitelist.add', 'Notch', vanilla('<Steve> Added Notch to the whitelist'), null],
    ['whitelist.add', 'Notch', squid('<Steve> Command not found'), null],
    ['whitelist.add', 'Notch', vanilla('Steve joined the game'), null],
  ];
  for (const [command, target, line, outcome] of cases) {
    it(`${command} ${target}: "${line}" is ${outcome ?? 'no answer'}`, () => {
      expect(readCommandAnswer(command, target, [line])?.outcome ?? null).to.equal(outcome);
    });
  }

  it('takes the first line that says something, and gives the game words without the prefix', () => {
    const answer = readCommandAnswer('op', 'Notch', [
      vanilla('Steve joined the game'),
      vanilla('Made Notch a server operator'),
      vanilla('Nothing changed'),
    ]);
    expect(answer).to.deep.equal({ outcome: 'done', message: 'Made Notch a server operator' });
  });
});
