/** The plugin's own messages, under its own top-level key; errors.* gives its API errors a sentence. */
export const en = {
  hello: {
    nav: 'Greetings',
    title: 'Greetings',
    intro: 'Leave a greeting for everyone on this panel.',
    tab: 'Greetings',
    tabIntro: 'Greetings left on this server.',
    message: 'Your greeting',
    send: 'Send greeting',
    none: 'No greetings yet.',
    counted: 'counted',
    notCounted: 'not counted yet',
    cardTitle: 'Greetings',
    cardText: 'Say hello to everyone on the Greetings page.',
    cardLink: 'Open Greetings',
  },
};

export const de = {
  hello: {
    nav: 'Grüße',
    title: 'Grüße',
    intro: 'Hinterlasse einen Gruß für alle auf diesem Panel.',
    tab: 'Grüße',
    tabIntro: 'Grüße, die auf diesem Server hinterlassen wurden.',
    message: 'Dein Gruß',
    send: 'Gruß senden',
    none: 'Noch keine Grüße.',
    counted: 'gezählt',
    notCounted: 'noch nicht gezählt',
    cardTitle: 'Grüße',
    cardText: 'Sag allen auf der Seite „Grüße“ hallo.',
    cardLink: 'Grüße öffnen',
  },
};
