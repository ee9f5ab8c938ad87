import { expect } from 'chai';
import { currentCatalogue, renderCatalogue } from '../src/docs-catalogue.js';

describe('docs/plugins.md catalogues', () => {
  it('match the hooks and events the code declares (run `npm run docs:catalogue` after changing them)', async () => {
    const current = currentCatalogue();
    expect(current, 'docs/plugins.md has the catalogue markers').to.not.equal(null);
    expect(current).to.equal(await renderCatalogue());
  });
});
