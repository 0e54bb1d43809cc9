// The profile form: the same rules as the server, from the same crate compiled to
// WebAssembly. As a person types, each field shows the server's verdict (its message,
// or the value as it will be saved); Save sends the request, and the server's keyed
// answer is shown on its fields.
import init, { check_field, form } from './enswitch_people_wasm.js';

const status = document.getElementById('status');
const signIn = document.getElementById('sign-in');
const editor = document.getElementById('editor');
const fields = document.getElementById('fields');
const language = document.getElementById('language');

/** Why a field is read-only, by the machine code of the refusal a change would get. */
const REASONS = {
  not_self_service: 'Only an administrator can change this.',
  own_role: 'Nobody can change their own role.',
  role_above_actor: 'Your role does not allow this.',
  plan_forbids: 'Your rate plan does not allow changing this.',
};

const LABELS = {
  company: 'Company', country: 'Country', date_format: 'Date format', description: 'Description',
  email: 'Email', extension: 'Extension', fax: 'Fax', forename: 'Forename', language: 'Language',
  mobile: 'Mobile', password: 'New password', public_key: 'OpenPGP public key', role: 'Role',
  source: 'Allowed source addresses', surname: 'Surname', telephone: 'Telephone',
  time_format: 'Time format', timezone: 'Time zone', title: 'Title', username: 'Username',
};

/** The signed-in session, kept for reloads of this tab. */
let session = JSON.parse(sessionStorage.getItem('session') || 'null');
/** What the WebAssembly module is given: person, actor, chain, roles, rate plan. */
let context = null;

function say(text) {
  status.textContent = text;
}

async function api(path, body) {
  const headers = { Authorization: `Bearer ${session.token}` };
  const options = body === undefined
    ? { headers }
    : { method: 'POST', headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' }, body };
  const response = await fetch(path, options);
  return response.json();
}

function input() {
  return JSON.stringify({ ...context, language: language.value });
}

function note(field, text, kind) {
  const element = document.getElementById(`${field}-note`);
  const control = document.getElementById(`field-${field}`);
  element.textContent = text;
  element.className = `note ${kind}`;
  control.setAttribute('aria-invalid', kind === 'error' ? 'true' : 'false');
}

/** The verdict on one field as it stands, from the WebAssembly module. */
function check(field) {
  const control = document.getElementById(`field-${field}`);
  if (control.readOnly || control.disabled) return;
  const original = control.dataset.original ?? '';
  if (field === 'password' && control.value === '') return note(field, '', '');
  if (field !== 'password' && control.value === original) return note(field, '', '');
  const verdict = JSON.parse(check_field(input(), field, control.value));
  if (verdict.error) {
    note(field, verdict.error.message, 'error');
  } else if (verdict.unchanged) {
    note(field, 'No change.', '');
  } else if (field === 'password') {
    note(field, 'The new password is acceptable.', 'saved');
  } else {
    // What the browser cannot know (the address the server sees, who holds a username)
    // the server checks when the form is saved: say so rather than promise it.
    const later = (verdict.server_checks ?? []).map((check) => ` ${SERVER_CHECKS[check]}`).join('');
    note(field, (verdict.value === '' ? 'saved as: (empty)' : `saved as: ${verdict.value}`) + later, 'saved');
  }
}

/** What the server checks on save, for a rule whose fact the browser cannot know. */
const SERVER_CHECKS = {
  check_lock_out: '(on save, the server checks that this list admits the address you connect from)',
  check_username_unique: '(on save, the server checks that no one else has this username)',
};

function control(entry) {
  const field = entry.field;
  let element;
  if (entry.choices) {
    element = document.createElement('select');
    const current = entry.value ?? '';
    const values = entry.choices.map((c) => c.value);
    const options = values.includes(current) ? entry.choices : [{ value: current, label: current || '(none)' }, ...entry.choices];
    if (entry.clearable && !values.includes('')) options.unshift({ value: '', label: '(default)' });
    for (const choice of options) {
      const option = document.createElement('option');
      option.value = choice.value;
      const level = field === 'role' && choice.label !== choice.value;
      option.textContent = level ? `${choice.value} (${choice.label})` : choice.label;
      element.append(option);
    }
    element.value = current;
    element.disabled = !entry.editable;
  } else {
    element = document.createElement(field === 'description' || field === 'public_key' ? 'textarea' : 'input');
    if (field === 'password') {
      element.type = 'password';
      element.autocomplete = 'new-password';
    }
    element.value = entry.value ?? '';
    element.readOnly = !entry.editable;
    if (entry.limits.max_length && field !== 'public_key') element.maxLength = entry.limits.max_length * 4;
  }
  element.id = `field-${field}`;
  element.name = field;
  element.dataset.original = entry.value ?? '';
  element.setAttribute('aria-describedby', `${field}-note`);
  element.setAttribute('aria-invalid', 'false');
  element.addEventListener('input', () => check(field));
  element.addEventListener('change', () => check(field));
  return element;
}

function render(described) {
  fields.replaceChildren();
  for (const entry of described.fields) {
    const wrapper = document.createElement('div');
    wrapper.className = 'field';
    const label = document.createElement('label');
    label.htmlFor = `field-${entry.field}`;
    label.textContent = LABELS[entry.field] ?? entry.field;
    const hint = document.createElement('p');
    hint.id = `${entry.field}-note`;
    hint.className = 'note';
    if (!entry.editable && entry.refusal) {
      hint.textContent = `Read-only: ${REASONS[entry.refusal.code] ?? 'You may not change this.'}`;
    } else if (entry.editable && !entry.can_change) {
      hint.textContent = 'There is no other value to choose.';
    }
    wrapper.append(label, control(entry), hint);
    fields.append(wrapper);
  }
}

async function load(id) {
  const answer = await api(`/api/context/?id=${encodeURIComponent(id)}`);
  if (!answer.data) {
    say(answer.responses?.[0]?.message ?? 'The person could not be loaded.');
    return;
  }
  context = answer.data;
  const described = JSON.parse(form(input()));
  if (described.error) {
    say(described.error.responses[0].message);
    return;
  }
  document.getElementById('whom').textContent = `${context.person.username} (id ${context.person.id})`;
  document.getElementById('person-id').value = context.person.id;
  sessionStorage.setItem('editing', String(context.person.id));
  render(described.form);
  signIn.hidden = true;
  editor.hidden = false;
}

async function save(event) {
  event.preventDefault();
  const body = new URLSearchParams({ id: String(context.person.id) });
  for (const element of fields.querySelectorAll('input, select, textarea')) {
    if (element.readOnly || element.disabled) continue;
    const changed = element.name === 'password' ? element.value !== '' : element.value !== element.dataset.original;
    if (changed) body.append(element.name, element.value);
  }
  if ([...body.keys()].length === 1) {
    say('Nothing to save.');
    return;
  }
  // Over a session, the server asks for the current password with a new email or password.
  const current = document.getElementById('auth-password');
  if (current.value !== '') body.append('auth_password', current.value);
  current.value = '';
  const answer = await api('/api/json/people/update/', body.toString());
  const first = answer.responses[0];
  if (first.code === '204') {
    await load(context.person.id);
    say('Saved.');
    return;
  }
  say('Not saved: see the fields marked below.');
  for (const response of answer.responses) {
    if (document.getElementById(`field-${response.key}`)) {
      note(response.key, response.message, 'error');
    } else {
      say(`Not saved: ${response.message}`);
    }
  }
}

signIn.addEventListener('submit', async (event) => {
  event.preventDefault();
  const body = new URLSearchParams({
    username: document.getElementById('username').value,
    password: document.getElementById('password').value,
  });
  const response = await fetch('/api/session/', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
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
  await load(session.person);
});

document.getElementById('choose').addEventListener('submit', (event) => {
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
  for (const element of fields.querySelectorAll('input, select, textarea')) check(element.name);
});

const started = performance.now();
await init();
document.body.dataset.wasmLoadMs = String(Math.round(performance.now() - started));
document.body.dataset.ready = 'true';
if (session) {
  await load(sessionStorage.getItem('editing') ?? session.person);
}
