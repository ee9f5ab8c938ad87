import type { PermissionGroupDeclaration } from '../../kernel/permissions.js';

/** The servers module's per-server keys: console and power, files, settings, players. */
export const serverPermissions: PermissionGroupDeclaration[] = [
  {
    group: 'control',
    label: { en: 'Console and power', de: 'Konsole und Start/Stopp' },
    keys: [
      { action: 'console', label: { en: 'See the console and send commands', de: 'Konsole sehen und Befehle senden' } },
      { action: 'start', label: { en: 'Start the server', de: 'Server starten' } },
      { action: 'stop', label: { en: 'Stop and kill the server', de: 'Server stoppen und beenden' } },
      { action: 'restart', label: { en: 'Restart the server', de: 'Server neu starten' } },
    ],
  },
  {
    group: 'file',
    label: { en: 'Files', de: 'Dateien' },
    keys: [
      { action: 'read', label: { en: 'List files', de: 'Dateien auflisten' } },
      { action: 'read-content', label: { en: 'Read and download files', de: 'Dateien lesen und herunterladen' }, implies: ['file.read'] },
      { action: 'create', label: { en: 'Create and upload files', de: 'Dateien anlegen und hochladen' }, implies: ['file.read'] },
      { action: 'update', label: { en: 'Change files', de: 'Dateien ändern' }, implies: ['file.read'] },
      { action: 'delete', label: { en: 'Delete files', de: 'Dateien löschen' }, implies: ['file.read'] },
      { action: 'archive', label: { en: 'Pack and unpack archives', de: 'Archive packen und entpacken' }, implies: ['file.read'] },
    ],
  },
  {
    group: 'settings',
    label: { en: 'Settings', de: 'Einstellungen' },
    keys: [
      { action: 'rename', label: { en: 'Rename the server', de: 'Server umbenennen' } },
      { action: 'reinstall', label: { en: 'Reinstall the server', de: 'Server neu installieren' } },
    ],
  },
  {
    group: 'players',
    label: { en: 'Players', de: 'Spieler' },
    keys: [
      { action: 'read', label: { en: 'See players and lists', de: 'Spieler und Listen sehen' } },
      {
        action: 'manage',
        label: { en: 'Change whitelist, operators and bans', de: 'Whitelist, Operatoren und Banns ändern' },
        implies: ['players.read'],
      },
    ],
  },
  {
    group: 'lifecycle',
    label: { en: 'Sleep and wake', de: 'Schlafen und Aufwecken' },
    keys: [
      { action: 'wake', label: { en: 'Wake the sleeping server', de: 'Schlafenden Server aufwecken' } },
      { action: 'sleep', label: { en: 'Put the server to sleep', de: 'Server schlafen legen' } },
      { action: 'policy', label: { en: 'Change when the server sleeps', de: 'Einstellen, wann der Server schläft' } },
      {
        action: 'archive',
        label: { en: 'Archive the sleeping server to remote storage', de: 'Schlafenden Server ins Archiv verschieben' },
      },
    ],
  },
  {
    group: 'startup',
    label: { en: 'Startup', de: 'Start' },
    keys: [
      { action: 'read', label: { en: 'See the start command and variables', de: 'Startbefehl und Variablen sehen' } },
      {
        action: 'update',
        label: { en: 'Change variables and the image', de: 'Variablen und Image ändern' },
        implies: ['startup.read'],
      },
    ],
  },
  {
    group: 'domains',
    label: { en: 'Custom domains', de: 'Eigene Domains' },
    keys: [
      { action: 'manage', label: { en: 'Add, verify and remove custom domains', de: 'Eigene Domains hinzufügen, prüfen und entfernen' } },
    ],
  },
];
