//! Every statement the server runs, written once for both databases: what [`Reads`]
//! and [`Writes`] promise, over any [`Sql`] transaction.

use enswitch_people::{FieldSet, Person, Privilege, Roles, Update, Valid, Write};

use super::sql::{Cell, Param, Sql, SqlWrite};
use super::{Reads, Row, Session, StoredCounter, Writes};
use super::{column, person_columns, text_columns};
use crate::errors::ServerError;

/// SQL integers are signed; ids are 1 … 2^63−1 (the crate checks), so they fit.
#[expect(
    clippy::cast_possible_wrap,
    reason = "ids are at most i64::MAX (the crate checks)"
)]
fn id(value: u64) -> Param<'static> {
    Param::Int(value as i64)
}

#[expect(
    clippy::cast_sign_loss,
    reason = "ids are stored from u64 at most i64::MAX"
)]
fn unsigned(value: i64) -> u64 {
    value as u64
}

/// The one row a query may give.
fn one<S: Sql + ?Sized>(
    db: &mut S,
    sql: &str,
    params: &[Param<'_>],
) -> Result<Option<Vec<Cell>>, ServerError> {
    Ok(db.rows(sql, params)?.into_iter().next())
}

/// The one value of a query that always gives one row (`COUNT`, `EXISTS`).
fn single<S: Sql + ?Sized>(
    db: &mut S,
    sql: &str,
    params: &[Param<'_>],
) -> Result<i64, ServerError> {
    one(db, sql, params)?
        .and_then(|row| row.into_iter().next())
        .ok_or(ServerError::Internal)?
        .int()
}

/// A person from the cells of [`person_columns`]: id, customer, role, password hash,
/// then the text columns in the field table's order.
fn person(row: Vec<Cell>) -> Result<Row, ServerError> {
    let mut cells = row.into_iter();
    let mut next = || cells.next().ok_or(ServerError::Internal);
    let mut person = Person {
        id: unsigned(next()?.int()?),
        customer: unsigned(next()?.int()?),
        role: unsigned(next()?.int()?),
        ..Person::default()
    };
    let password_hash = next()?.text()?;
    for field in text_columns() {
        let value = next()?.text()?;
        if let Some(slot) = person.text_mut(field) {
            *slot = value;
        }
    }
    Ok(Row {
        person,
        password_hash,
    })
}

fn select_person(filter: &str) -> String {
    format!("SELECT {} FROM people WHERE {filter}", person_columns())
}

impl<S: Sql + ?Sized> Reads for S {
    fn person(&mut self, person_id: u64) -> Result<Option<Row>, ServerError> {
        one(self, &select_person("id = $1"), &[id(person_id)])?
            .map(person)
            .transpose()
    }

    fn person_by_username(&mut self, username: &str) -> Result<Option<Row>, ServerError> {
        // The expression both databases index, unique (usernames are ASCII).
        let sql = select_person("lower(username) = lower($1)");
        one(self, &sql, &[username.into()])?.map(person).transpose()
    }

    fn username_taken(&mut self, username: &str, except: u64) -> Result<bool, ServerError> {
        // The unique index's expression, so that the read covers what it guards.
        let sql =
            "SELECT EXISTS (SELECT 1 FROM people WHERE lower(username) = lower($1) AND id <> $2)";
        Ok(single(self, sql, &[username.into(), id(except)])? != 0)
    }

    fn roles(&mut self) -> Result<Roles, ServerError> {
        let mut roles = Roles::new();
        for row in self.rows("SELECT id, name, privileges FROM roles", &[])? {
            let [role, name, privileges] =
                <[Cell; 3]>::try_from(row).map_err(|_| ServerError::Internal)?;
            let role = unsigned(role.int()?);
            let privileges: Vec<String> =
                serde_json::from_str(&privileges.text()?).unwrap_or_default();
            roles.insert(
                role,
                Privilege::from_privileges(privileges.iter().map(String::as_str)),
            );
            roles.set_name(role, name.text()?);
        }
        Ok(roles)
    }

    fn customer_chain(&mut self, customer: u64) -> Result<Vec<u64>, ServerError> {
        let count = single(self, "SELECT COUNT(*) FROM customers", &[])?;
        let mut chain = vec![customer];
        let mut current = customer;
        // Bounded by the number of customers: a cycle ends it.
        while i64::try_from(chain.len()).unwrap_or(i64::MAX) <= count {
            let parent = one(
                self,
                "SELECT parent FROM customers WHERE id = $1",
                &[id(current)],
            )?;
            let Some(parent) = parent
                .map(|row| row[0].optional_int())
                .transpose()?
                .flatten()
            else {
                break;
            };
            current = unsigned(parent);
            chain.push(current);
        }
        Ok(chain)
    }

    fn plan_forbids(&mut self, customer: u64) -> Result<FieldSet, ServerError> {
        let row = one(
            self,
            "SELECT plan_forbids FROM customers WHERE id = $1",
            &[id(customer)],
        )?;
        let text = row
            .and_then(|row| row.into_iter().next())
            .map(Cell::text)
            .transpose()?;
        // Unreadable, it forbids nothing more than the rules do.
        Ok(text
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or(FieldSet::EMPTY))
    }

    fn session(
        &mut self,
        token_hash: &str,
        now: i64,
        idle: i64,
    ) -> Result<Option<Session>, ServerError> {
        let row = one(
            self,
            "SELECT person, last_used FROM sessions
             WHERE token_hash = $1 AND expires_at > $2 AND last_used > $2 - $3",
            &[token_hash.into(), now.into(), idle.into()],
        )?;
        row.map(|row| {
            Ok(Session {
                person: unsigned(row[0].int()?),
                last_used: row[1].int()?,
            })
        })
        .transpose()
    }

    fn is_empty(&mut self) -> Result<bool, ServerError> {
        Ok(single(self, "SELECT EXISTS (SELECT 1 FROM people)", &[])? == 0)
    }

    fn password_hashes(&mut self) -> Result<Vec<String>, ServerError> {
        self.rows("SELECT password_hash FROM people", &[])?
            .into_iter()
            .map(|row| row.into_iter().next().ok_or(ServerError::Internal)?.text())
            .collect()
    }
}

impl<S: SqlWrite + ?Sized> Writes for S {
    fn write_changes(&mut self, update: &Valid<Update<'_>>) -> Result<bool, ServerError> {
        let person = id(update.person().id);
        for write in update.writes() {
            let sql = format!(
                "UPDATE people SET {0} = $1 WHERE id = $2 AND {0} = $3",
                column(write.field())
            );
            let params = match write {
                Write::Text {
                    expected, value, ..
                } => [Param::Text(value), person, Param::Text(expected)],
                Write::Role { expected, value } => [id(value), person, id(expected)],
            };
            if self.execute(&sql, &params)? != 1 {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn set_password_hash(&mut self, person: u64, hash: &str) -> Result<(), ServerError> {
        let sql = "UPDATE people SET password_hash = $1 WHERE id = $2";
        self.execute(sql, &[hash.into(), id(person)])?;
        Ok(())
    }

    fn replace_password_hash(
        &mut self,
        person: u64,
        old: &str,
        new: &str,
    ) -> Result<bool, ServerError> {
        let sql = "UPDATE people SET password_hash = $1 WHERE id = $2 AND password_hash = $3";
        Ok(self.execute(sql, &[new.into(), id(person), old.into()])? == 1)
    }

    fn queue(
        &mut self,
        person: u64,
        kind: &str,
        address: &str,
        now: i64,
    ) -> Result<(), ServerError> {
        let sql = "INSERT INTO outbox (person, kind, address, created_at) VALUES ($1, $2, $3, $4)";
        self.execute(sql, &[id(person), kind.into(), address.into(), now.into()])?;
        Ok(())
    }

    fn audit(&mut self, actor: u64, person: u64, diff: &str, now: i64) -> Result<(), ServerError> {
        let sql = "INSERT INTO audit (actor, person, diff, at) VALUES ($1, $2, $3, $4)";
        self.execute(sql, &[id(actor), id(person), diff.into(), now.into()])?;
        Ok(())
    }

    fn create_session(
        &mut self,
        token_hash: &str,
        person: u64,
        now: i64,
        expires_at: i64,
    ) -> Result<(), ServerError> {
        let sql = "INSERT INTO sessions (token_hash, person, expires_at, last_used) VALUES ($1, $2, $3, $4)";
        let params = [token_hash.into(), id(person), expires_at.into(), now.into()];
        self.execute(sql, &params)?;
        Ok(())
    }

    fn touch_session(&mut self, token_hash: &str, now: i64) -> Result<(), ServerError> {
        let sql = "UPDATE sessions SET last_used = $1 WHERE token_hash = $2";
        self.execute(sql, &[now.into(), token_hash.into()])?;
        Ok(())
    }

    fn end_session(&mut self, token_hash: &str) -> Result<bool, ServerError> {
        let sql = "DELETE FROM sessions WHERE token_hash = $1";
        Ok(self.execute(sql, &[token_hash.into()])? == 1)
    }

    fn end_sessions(&mut self, person: u64, keep: Option<&str>) -> Result<(), ServerError> {
        let sql = "DELETE FROM sessions WHERE person = $1 AND token_hash IS DISTINCT FROM $2";
        self.execute(sql, &[id(person), keep.into()])?;
        Ok(())
    }

    fn counter(&mut self, key: &str) -> Result<Option<StoredCounter>, ServerError> {
        let sql = "SELECT attempts, last_ms FROM throttle_counters WHERE key = $1";
        one(self, sql, &[key.into()])?
            .map(|row| {
                Ok(StoredCounter {
                    attempts: u32::try_from(row[0].int()?).unwrap_or(0),
                    last_ms: row[1].int()?,
                })
            })
            .transpose()
    }

    fn set_counter(&mut self, key: &str, counter: StoredCounter) -> Result<(), ServerError> {
        let sql = "INSERT INTO throttle_counters (key, attempts, last_ms) VALUES ($1, $2, $3)
             ON CONFLICT (key) DO UPDATE SET attempts = excluded.attempts, last_ms = excluded.last_ms";
        let attempts = i64::from(counter.attempts.min(i32::MAX.unsigned_abs()));
        self.execute(sql, &[key.into(), attempts.into(), counter.last_ms.into()])?;
        Ok(())
    }

    fn forget_counters(&mut self, before_ms: i64) -> Result<(), ServerError> {
        let sql = "DELETE FROM throttle_counters WHERE last_ms < $1";
        self.execute(sql, &[before_ms.into()])?;
        Ok(())
    }

    fn knows(&mut self, username: &str, origin: &str) -> Result<bool, ServerError> {
        let sql =
            "SELECT EXISTS (SELECT 1 FROM throttle_known WHERE username = $1 AND origin = $2)";
        Ok(single(self, sql, &[username.into(), origin.into()])? != 0)
    }

    fn remember(
        &mut self,
        username: &str,
        origin: &str,
        now_ms: i64,
        keep: usize,
    ) -> Result<(), ServerError> {
        let sql = "INSERT INTO throttle_known (username, origin, at_ms) VALUES ($1, $2, $3)
             ON CONFLICT (username, origin) DO UPDATE SET at_ms = excluded.at_ms";
        self.execute(sql, &[username.into(), origin.into(), now_ms.into()])?;
        let sql = "DELETE FROM throttle_known WHERE username = $1 AND origin NOT IN
             (SELECT origin FROM throttle_known WHERE username = $1 ORDER BY at_ms DESC LIMIT $2)";
        let keep = i64::try_from(keep).unwrap_or(i64::MAX);
        self.execute(sql, &[username.into(), keep.into()])?;
        Ok(())
    }

    fn insert_customer(
        &mut self,
        customer: u64,
        parent: Option<u64>,
        plan_forbids: &str,
    ) -> Result<(), ServerError> {
        let sql = "INSERT INTO customers (id, parent, plan_forbids) VALUES ($1, $2, $3)";
        let parent = parent.map_or(Param::Null, id);
        self.execute(sql, &[id(customer), parent, plan_forbids.into()])?;
        Ok(())
    }

    fn insert_role(&mut self, role: u64, name: &str, privileges: &str) -> Result<(), ServerError> {
        let sql = "INSERT INTO roles (id, name, privileges) VALUES ($1, $2, $3)";
        self.execute(sql, &[id(role), name.into(), privileges.into()])?;
        Ok(())
    }

    fn insert_person(&mut self, person: &Person, password_hash: &str) -> Result<(), ServerError> {
        let mut params = vec![id(person.id), id(person.customer), id(person.role)];
        params.push(password_hash.into());
        params.extend(text_columns().map(|field| Param::Text(person.text(field).unwrap_or(""))));
        let placeholders: Vec<String> = (1..=params.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "INSERT INTO people ({}) VALUES ({})",
            person_columns(),
            placeholders.join(", ")
        );
        self.execute(&sql, &params)?;
        Ok(())
    }

    fn commit(&mut self) -> Result<(), ServerError> {
        SqlWrite::commit(self)
    }
}
