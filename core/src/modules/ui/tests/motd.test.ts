import { expect } from 'chai';
import { parseMotd, plainMotd } from '../../../../../panel-ui/src/lib/motd.js';

// The MOTD preview of the panel UI (panel-ui/src/lib/motd.ts): § codes as the game reads them.
describe('panel UI: the MOTD preview reads § codes as the game does', () => {
  const runs = (motd: string) =>
    parseMotd(motd).map((line) =>
      line.map((s) => [
        s.text,
        s.colour,
        ...(['bold', 'italic', 'underlined', 'strikethrough', 'obfuscated'] as const).filter((f) => s[f]),
      ]),
    );

  it('starts grey, takes colours and formats, and a colour code ends the formats', () => {
    expect(runs('Hi §cred §lbold red§9 blue')).to.deep.equal([
      [
        ['Hi ', '#aaaaaa'],
        ['red ', '#ff5555'],
        ['bold red', '#ff5555', 'bold'],
        [' blue', '#5555ff'],
      ],
    ]);
  });

  it('stacks formats, resets with §r, ignores case, and keeps unknown codes and a trailing § as text', () => {
    expect(runs('§L§Oa§rb §zc§')).to.deep.equal([
      [
        ['a', '#aaaaaa', 'bold', 'italic'],
        ['b §zc§', '#aaaaaa'],
      ],
    ]);
  });

  it('shows two lines at most, and the plain text for screen readers', () => {
    expect(parseMotd('§aone\n§btwo\nthree')).to.have.length(2);
    expect(runs('§aone\n§btwo')[1]).to.deep.equal([['two', '#55ffff']]);
    expect(plainMotd('§cTabs §lServer\n§7second')).to.equal('Tabs Server\nsecond');
  });
});
