// The profile form, drawn from the crate's form description (its groups, labels, help,
// inputs, read-only reasons and choices, in the chosen language) and checked as a person
// types by the same crate compiled to WebAssembly. The page keeps no list of fields: what
// it knows is its own words (buttons, headings, the summary after Save), in English and
// German.
import init, { check_field, form } from './enswitch_people_wasm.js';

/** The page's own words. */
const WORDS = {
  en: {
    title: 'Profile', signIn: 'Sign in', username: 'Username', password: 'Password',
    editing: 'Editing', personId: 'Person id', edit: 'Edit this person', language: 'Page language',
    signOut: 'Sign out', save: 'Save', currentPassword: 'Current password',
    currentPasswordHelp: 'Needed to change the email address or the password.',
    problem: 'There is a problem', problems: (n) => (n === 1 ? '1 thing to fix:' : `${n} things to fix:`),
    saved: 'Saved', changed: (list) => `Changed: ${list}.`, nothing: 'Nothing to save: no field was changed.',
    willSave: (v) => `Will be saved as: ${v}`, empty: '(empty)', noChange: 'No change.',
    passwordOk: 'The new password is acceptable.', noOther: 'There is no other value to choose.',
    byDefault: '(default)', none: '(none)', readOnly: (reason) => `Read-only: ${reason}`,
    conflict: (v) => `Someone else changed this since you opened it. Now stored: ${v}`,
    keepTheirs: 'Keep theirs', saveMine: 'Save mine over it',
    mineNext: 'Press Save to store your value over theirs.',
    notLoaded: 'The person could not be loaded.',
    serverChecks: {
      check_lock_out: 'On save, the server checks that this list admits the address you connect from.',
      check_username_unique: 'On save, the server checks that no one else has this username.',
    },
  },
  de: {
    title: 'Profil', signIn: 'Anmelden', username: 'Benutzername', password: 'Passwort',
    editing: 'Bearbeiten:', personId: 'Personen-ID', edit: 'Diese Person bearbeiten', language: 'Sprache der Seite',
    signOut: 'Abmelden', save: 'Speichern', currentPassword: 'Aktuelles Passwort',
    currentPasswordHelp: 'Nötig, um die E-Mail-Adresse oder das Passwort zu ändern.',
    problem: 'Es gibt ein Problem', problems: (n) => (n === 1 ? '1 Angabe ist zu korrigieren:' : `${n} Angaben sind zu korrigieren:`),
    saved: 'Gespeichert', changed: (list) => `Geändert: ${list}.`, nothing: 'Nichts zu speichern: kein Feld wurde geändert.',
    willSave: (v) => `Wird gespeichert als: ${v}`, empty: '(leer)', noChange: 'Keine Änderung.',
    passwordOk: 'Das neue Passwort ist zulässig.', noOther: 'Es gibt keinen anderen Wert zur Auswahl.',
    byDefault: '(Voreinstellung)', none: '(keiner)', readOnly: (reason) => `Nur lesbar: ${reason}`,
    conflict: (v) => `Jemand hat dies geändert, seit Sie es geöffnet haben. Jetzt gespeichert: ${v}`,
    keepTheirs: 'Deren Wert behalten', saveMine: 'Meinen Wert darüber speichern',
    mineNext: 'Speichern Sie, um Ihren Wert über deren Wert zu schreiben.',
    notLoaded: 'Die Person konnte nicht geladen werden.',
    serverChecks: {
      check_lock_out: 'Beim Speichern prüft der Server, dass diese Liste die Adresse zulässt, von der Sie verbunden sind.',
      check_username_unique: 'Beim Speichern prüft der Server, dass niemand sonst diesen Benutzernamen hat.',
    },
  },
};

const status = document.getElementById('status');
const signIn = document.getElementById('sign-in');
const editor = document.getElementById('editor');
const fields = document.getElementById('fields');
const summary = document.getElementById('summary');
const chooser = document.getElementById('choose');
const language = document.getElementById('page-language');

/** The signed-in session, kept for reloads of this tab. */
let session = JSON.parse(sessionStorage.getItem('session') || 'null');
/** What the WebAssembly module is given: person, actor, chain, roles, rate plan. */
let context = null;
/** The form description drawn now, by field. */
let entries = new Map();

const words = () => WORDS[language.value] ?? WORDS.en;

/** The page's own words into the elements that carry `data-word`. */
function translate() {
  document.documentElement.lang = language.value;
  for (const element of document.querySelectorAll('[data-word]')) {
    element.textContent = words()[element.dataset.word];
  }
  document.title = words().title;
}

function say(text) {
  status.textContent = text;
}

async function api(path, body) {
  const headers = { Authorization: `Bearer ${session.token}`, 'Accept-Language': language.value };
  const options = body === undefined
    ? { headers }
    : { method: 'POST', headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' }, body };
  const response = await fetch(path, options);
  return response.json();
}

function input() {
  return JSON.stringify({ ...context, language: language.value });
}

function element(tag, properties = {}, ...children) {
  const made = Object.assign(document.createElement(tag), properties);
  made.append(...children);
  return made;
}

function note(field, text, kind) {
  const target = document.getElementById(`${field}-note`);
  target.replaceChildren(text);
  target.className = `note ${kind}`;
  document.getElementById(`field-${field}`)?.setAttribute('aria-invalid', kind === 'error' ? 'true' : 'false');
}

/** The verdict on one field as it stands, from the WebAssembly module. */
function check(field) {
  const control = document.getElementById(`field-${field}`);
  if (!control) return;
  const secret = entries.get(field).input === 'secret';
  if (secret ? control.value === '' : control.value === control.dataset.original) return note(field, '', '');
  const verdict = JSON.parse(check_field(input(), field, control.value));
  if (verdict.error) {
    note(field, verdict.error.message, 'error');
  } else if (verdict.unchanged) {
    note(field, words().noChange, '');
  } else if (secret) {
    note(field, words().passwordOk, 'saved');
  } else {
    // What the browser cannot know (the address the server sees, who holds a username)
    // the server checks when the form is saved: say so rather than promise it.
    const later = (verdict.server_checks ?? []).map((name) => ` ${words().serverChecks[name]}`).join('');
    note(field, words().willSave(verdict.value === '' ? words().empty : verdict.value) + later, 'saved');
  }
}

function shown(entry, value) {
  const choice = entry.choices?.find((c) => c.value === value);
  return choice ? choice.label : (value === '' ? words().empty : value);
}

/** A field the caller may change: its label, help, control and note. */
function editable(entry) {
  const id = `field-${entry.field}`;
  const value = entry.value ?? '';
  let control;
  if (entry.input === 'choice') {
    control = element('select');
    const options = entry.choices.some((c) => c.value === value) ? [...entry.choices] : [{ value, label: value || words().none }, ...entry.choices];
    if (entry.clearable && !options.some((c) => c.value === '')) options.unshift({ value: '', label: words().byDefault });
    control.append(...options.map((c) => element('option', { value: c.value, textContent: c.label })));
  } else if (entry.input === 'multi_line') {
    control = element('textarea', { rows: 4 });
  } else {
    // A secret is typed unseen, and a browser offers to make one up.
    const secret = { type: 'password', autocomplete: 'new-password' };
    control = element('input', entry.input === 'secret' ? secret : { type: 'text' });
  }
  control.id = id;
  control.name = entry.field;
  control.value = value;
  control.dataset.original = value;
  const described = [`${entry.field}-note`];
  const parts = [element('label', { htmlFor: id, textContent: entry.label })];
  if (entry.help) {
    parts.push(element('p', { id: `${entry.field}-help`, className: 'help', textContent: entry.help }));
    described.unshift(`${entry.field}-help`);
  }
  if (entry.suggestions) {
    const list = element('datalist', { id: `${entry.field}-suggestions` });
    list.append(...entry.suggestions.map((s) => element('option', { value: s })));
    control.setAttribute('list', list.id);
    parts.push(list);
  }
  control.setAttribute('aria-describedby', described.join(' '));
  control.setAttribute('aria-invalid', 'false');
  control.addEventListener('input', () => check(entry.field));
  control.addEventListener('change', () => check(entry.field));
  const hint = element('p', { id: `${entry.field}-note`, className: 'note' });
  if (!entry.can_change) hint.textContent = words().noOther;
  return element('div', { className: 'field' }, ...parts, control, hint);
}

/** A field the caller may not change: its value as text, and why; no tab stop. */
function readOnly(entry) {
  const value = entry.input === 'secret' ? '' : (entry.value_label ?? shown(entry, entry.value ?? ''));
  return element(
    'div', { className: 'field read-only' },
    element('p', { className: 'label', textContent: entry.label }),
    element('p', { className: 'value', textContent: value }),
    element('p', { className: 'note', textContent: words().readOnly(entry.reason) }),
  );
}

function render(described) {
  entries = new Map(described.fields.map((entry) => [entry.field, entry]));
  fields.replaceChildren();
  let group = null;
  let fieldset = null;
  for (const entry of described.fields) {
    if (entry.group !== group) {
      group = entry.group;
      fieldset = element('fieldset', {}, element('legend', { textContent: entry.group_label }));
      fields.append(fieldset);
    }
    // A secret the caller may not change shows nothing: there is nothing to read.
    if (!entry.editable && entry.input === 'secret') continue;
    fieldset.append(entry.editable ? editable(entry) : readOnly(entry));
  }
}

function describe() {
  const described = JSON.parse(form(input()));
  if (described.error) throw new Error(described.error.responses[0].message);
  return described.form;
}

/** The context of person `id` from the server; `null` (with the reason said) if refused. */
async function fetchContext(id) {
  const answer = await api(`/api/context/?id=${encodeURIComponent(id)}`);
  if (!answer.data) {
    say(answer.responses?.[0]?.message ?? words().notLoaded);
    return null;
  }
  return answer.data;
}

async function load(id, { fromSignIn = false } = {}) {
  const loaded = await fetchContext(id);
  if (!loaded) {
    // The box shows the person the form still edits.
    if (context) document.getElementById('person-id').value = context.person.id;
    return;
  }
  context = loaded;
  if (fromSignIn) {
    // Start in the person's own language when the page has it.
    const own = (context.person.language ?? '').split('-')[0].toLowerCase();
    if (WORDS[own]) language.value = own;
    translate();
  }
  say('');
  summary.hidden = true;
  document.getElementById('whom').textContent = `${context.person.username} (id ${context.person.id})`;
  document.getElementById('person-id').value = context.person.id;
  sessionStorage.setItem('editing', String(context.person.id));
  // A plain user edits only their own record: no chooser.
  chooser.hidden = !['administrator', 'wholesale', 'system'].includes(context.actor.level);
  render(describe());
  signIn.hidden = true;
  editor.hidden = false;
  if (fromSignIn) document.getElementById('editor-title').focus();
}

/** The summary after Save: what went wrong with links to each field, or what changed. */
function show(kind, heading, intro, items = []) {
  const parts = [element('h3', { textContent: heading }), element('p', { textContent: intro })];
  if (items.length) parts.push(element('ul', {}, ...items.map((item) => element('li', {}, item))));
  summary.className = `summary ${kind}`;
  summary.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  summary.replaceChildren(...parts);
  summary.hidden = false;
  summary.focus();
}

/** The fields someone else changed since the page read them: each offers a choice. */
async function conflicts(sent) {
  const fresh = await fetchContext(context.person.id);
  if (!fresh) return [];
  const stored = (field) => String(fresh.person[field] ?? '');
  const changed = sent.filter((field) => stored(field) !== document.getElementById(`field-${field}`).dataset.original);
  for (const field of changed) {
    const now = stored(field);
    const control = document.getElementById(`field-${field}`);
    const keep = element('button', { type: 'button', textContent: words().keepTheirs });
    const mine = element('button', { type: 'button', textContent: words().saveMine });
    keep.addEventListener('click', () => {
      control.value = now;
      control.dataset.original = now;
      note(field, '', '');
      control.focus();
    });
    mine.addEventListener('click', () => {
      control.dataset.original = now;
      note(field, words().mineNext, '');
      document.getElementById('save').focus();
    });
    note(field, element('span', { textContent: words().conflict(shown(entries.get(field), now)) }), 'error');
    document.getElementById(`${field}-note`).append(' ', keep, ' ', mine);
  }
  context = fresh;
  return changed;
}

async function save(event) {
  event.preventDefault();
  const body = new URLSearchParams({ id: String(context.person.id) });
  const sent = [];
  for (const control of fields.querySelectorAll('input, select, textarea')) {
    const secret = entries.get(control.name).input === 'secret';
    if (secret ? control.value === '' : control.value === control.dataset.original) {
      note(control.name, '', ''); // no "will be saved as" where nothing is sent
      continue;
    }
    body.append(control.name, control.value);
    // Say what was read, so that a value someone changed since is not written over.
    if (!secret) body.append(`was.${control.name}`, control.dataset.original);
    sent.push(control.name);
  }
  if (sent.length === 0) {
    show('error', words().problem, words().nothing);
    return;
  }
  // Over a session, the server asks for the current password with a new email or password.
  const current = document.getElementById('auth-password');
  if (current.value !== '') body.append('auth_password', current.value);
  current.value = '';
  const answer = await api('/api/json/people/update/', body.toString());
  if (answer.responses[0].code === '204') {
    const labels = sent.map((field) => entries.get(field).label).join(', ');
    await load(context.person.id);
    show('success', words().saved, words().changed(labels));
    return;
  }
  const stale = await conflicts(sent);
  const refused = new Set(answer.responses.map((response) => response.key));
  const items = [];
  for (const field of sent) {
    // Nothing was saved: no field keeps a "will be saved as".
    if (!refused.has(field)) note(field, '', '');
  }
  for (const response of answer.responses) {
    const entry = entries.get(response.key);
    if (entry && document.getElementById(`field-${response.key}`)) {
      const conflict = stale.includes(response.key);
      if (!conflict) note(response.key, response.message, 'error');
      const text = conflict ? document.getElementById(`${response.key}-note`).firstChild.textContent : response.message;
      items.push(element('a', { href: `#field-${response.key}`, textContent: `${entry.label}: ${text}` }));
    } else {
      items.push(response.message);
    }
  }
  show('error', words().problem, words().problems(items.length), items);
}

signIn.addEventListener('submit', async (event) => {
  event.preventDefault();
  const body = new URLSearchParams({
    username: document.getElementById('sign-in-username').value,
    password: document.getElementById('sign-in-password').value,
  });
  const response = await fetch('/api/session/', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Accept-Language': language.value },
    body: body.toString(),
  });
  const answer = await response.json();
  if (!answer.data) {
    say(answer.responses[0].message);
    return;
  }
  session = { token: answer.data.token, person: answer.data.person };
  sessionStorage.setItem('session', JSON.stringify(session));
  say('');
  await load(session.person, { fromSignIn: true });
});

chooser.addEventListener('submit', (event) => {
  event.preventDefault();
  say('');
  load(document.getElementById('person-id').value);
});
document.getElementById('profile').addEventListener('submit', save);
document.getElementById('sign-out').addEventListener('click', async () => {
  // Ended on the server too, so that a copied token is worth nothing afterwards.
  await fetch('/api/session/', { method: 'DELETE', headers: { Authorization: `Bearer ${session.token}` } });
  sessionStorage.clear();
  location.reload();
});
language.addEventListener('change', () => {
  translate();
  if (!context) return;
  // Drawn again in the new language, keeping what was typed.
  const typed = new Map([...fields.querySelectorAll('input, select, textarea')].map((c) => [c.name, c.value]));
  render(describe());
  for (const [field, value] of typed) {
    const control = document.getElementById(`field-${field}`);
    if (control && control.value !== value) {
      control.value = value;
      check(field);
    }
  }
});

if (navigator.language?.toLowerCase().startsWith('de')) language.value = 'de';
translate();
const started = performance.now();
await init();
document.body.dataset.wasmLoadMs = String(Math.round(performance.now() - started));
document.body.dataset.ready = 'true';
if (session) {
  await load(sessionStorage.getItem('editing') ?? session.person, { fromSignIn: true });
}
