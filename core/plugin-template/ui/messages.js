/** The plugin's own messages, under its own top-level key. */
export const en = {
  __table__: {
    nav: '__Title__',
    title: '__Title__',
    intro: 'Notes for everyone on this panel. Each server has its own in its __Title__ tab.',
    tab: '__Title__',
    text: 'Your note',
    add: 'Add note',
    none: 'No notes yet.',
  },
};

export const de = {
  __table__: {
    nav: '__Title__',
    title: '__Title__',
    intro: 'Notizen für alle auf diesem Panel. Jeder Server hat eigene im Reiter __Title__.',
    tab: '__Title__',
    text: 'Deine Notiz',
    add: 'Notiz hinzufügen',
    none: 'Noch keine Notizen.',
  },
};
