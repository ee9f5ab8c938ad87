/**
 * The file editor: CodeMirror 6, loaded only when a file is opened (FileEditor imports this module
 * dynamically), so the main bundle and the server page stay small. Modes by file name: YAML and
 * JSON (the configs servers and plugins ship), properties/ini/cfg and TOML through the legacy
 * stream modes, shell scripts; anything else is plain text.
 */
import { json } from '@codemirror/lang-json';
import { yaml } from '@codemirror/lang-yaml';
import { StreamLanguage, type LanguageSupport } from '@codemirror/language';
import { properties } from '@codemirror/legacy-modes/mode/properties';
import { shell } from '@codemirror/legacy-modes/mode/shell';
import { toml } from '@codemirror/legacy-modes/mode/toml';
import { Compartment, EditorState, type Extension } from '@codemirror/state';
import { oneDark } from '@codemirror/theme-one-dark';
import { basicSetup, EditorView } from 'codemirror';

export type Mode = 'yaml' | 'json' | 'properties' | 'toml' | 'shell' | 'text';

export function modeFor(fileName: string): Mode {
  const name = fileName.toLowerCase();
  if (/\.(ya?ml)$/.test(name)) return 'yaml';
  if (/\.(json|mcmeta|json5)$/.test(name)) return 'json';
  if (/\.(properties|ini|cfg|conf|lang)$/.test(name)) return 'properties';
  if (/\.toml$/.test(name)) return 'toml';
  if (/\.(sh|bash)$/.test(name)) return 'shell';
  return 'text';
}

function language(mode: Mode): Extension {
  const modes: Record<Mode, () => Extension | LanguageSupport> = {
    yaml: () => yaml(),
    json: () => json(),
    properties: () => StreamLanguage.define(properties),
    toml: () => StreamLanguage.define(toml),
    shell: () => StreamLanguage.define(shell),
    text: () => [],
  };
  return modes[mode]();
}

/** Colours from the panel's theme variables; the dark theme adds One Dark's syntax colours. */
const panelTheme = EditorView.theme({
  '&': {
    backgroundColor: 'var(--surface)',
    color: 'var(--text)',
    border: '1px solid var(--border)',
    borderRadius: '6px',
    minHeight: '18rem',
    maxHeight: '70vh',
  },
  '.cm-scroller': { fontFamily: "ui-monospace, 'SFMono-Regular', Menlo, monospace", fontSize: '13px' },
  '.cm-gutters': { backgroundColor: 'var(--surface-2)', color: 'var(--muted)', borderRight: '1px solid var(--border)' },
  '&.cm-focused': { outline: '3px solid var(--focus)', outlineOffset: '2px' },
});

export interface Editor {
  text(): string;
  setDark(dark: boolean): void;
  focus(): void;
  destroy(): void;
}

export function createEditor(
  parent: HTMLElement,
  options: { doc: string; fileName: string; label: string; dark: boolean; readOnly: boolean; onChange: () => void },
): Editor {
  const theme = new Compartment();
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: options.doc,
      extensions: [
        basicSetup,
        language(modeFor(options.fileName)),
        panelTheme,
        theme.of(options.dark ? oneDark : []),
        EditorState.readOnly.of(options.readOnly),
        // The editable area is what screen readers land on: give it the file's name.
        EditorView.contentAttributes.of({ 'aria-label': options.label }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) options.onChange();
        }),
      ],
    }),
  });
  return {
    text: () => view.state.doc.toString(),
    setDark: (dark) => view.dispatch({ effects: theme.reconfigure(dark ? oneDark : []) }),
    focus: () => view.focus(),
    destroy: () => view.destroy(),
  };
}
