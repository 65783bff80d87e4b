//! Group commit: one batcher task per engine applies writes in batches, one transaction and one
//! fsync per batch, and answers each caller only after the batch is committed, so an answered
//! write is durable. It knows nothing of the domain: a write is a [`Write`] that a domain module
//! builds (the booking job lives with reservations, the admit job with admission).
//!
//! Why: a durable commit costs an fsync (~3 ms here), so one transaction per request caps
//! SQLite near 300 writes/s. Batching keeps every rule a conditional statement, so several
//! batchers (several server instances on one PostgreSQL) stay correct. Should a statement fail
//! outright, or the commit, the batch is rolled back and its writes are applied again one
//! transaction each, so one bad write cannot fail the others.
use super::{Db, Tx};
use std::any::{Any, TypeId};
use std::future::Future;
use std::pin::Pin;
use tokio::sync::{mpsc, oneshot};

/// Writes taken into one transaction at most; bounds the latency a batch adds.
const MAX_BATCH: usize = 512;
/// Callers waiting for the batcher at most; beyond it they wait for room (back-pressure).
const QUEUE: usize = 8192;

/// One write, applied inside a transaction that other writes share.
///
/// The contract that lets writes share a transaction: a write that refuses (a full slot, a
/// ticket in the wrong state) must leave the transaction as it found it. Start with the
/// conditional statement that decides, and undo what an earlier statement did when a later one
/// refuses. `apply` may run twice (once in a batch that failed, once alone), so it must depend
/// on nothing but the transaction.
pub trait Write: Send + Sync + 'static {
    type Output: Send + 'static;
    fn apply<'t>(&'t self, tx: &'t mut Tx) -> impl Future<Output = Result<Self::Output, sqlx::Error>> + Send + 't;

    /// The contended row this write locks first, when it has one (a booking's slot). A batch
    /// applies its writes in this order, those without one first, so that the batches of
    /// several instances on one PostgreSQL lock such rows in one order: without it, two batches
    /// each holding a slot the other wants deadlocked until PostgreSQL's check (after one
    /// second) failed one of them.
    fn lock_order(&self) -> Option<i64> {
        None
    }

    /// Applies `writes` (of one batch, all of this type, each with a lock order, sorted by it) in
    /// the batch's transaction: an output for each, in order. By default one after the other; a
    /// hot write applies them set-wise instead, locking its contended rows in one statement, in
    /// lock order, a handful of statements before the commit, rather than holding the first of
    /// them through every write's statements while other instances' batches wait for it. The
    /// contract of `apply` holds for each write.
    fn apply_together<'t>(
        writes: &'t [&'t Self],
        tx: &'t mut Tx,
    ) -> impl Future<Output = Result<Vec<Self::Output>, sqlx::Error>> + Send + 't
    where
        Self: Sized,
    {
        one_by_one(writes, tx)
    }
}

/// `writes` applied one after the other: [`Write::apply_together`]'s default.
pub async fn one_by_one<W: Write>(writes: &[&W], tx: &mut Tx) -> Result<Vec<W::Output>, sqlx::Error> {
    let mut outputs = Vec::with_capacity(writes.len());
    for write in writes {
        outputs.push(write.apply(tx).await?);
    }
    Ok(outputs)
}

type Applying<'t> = Pin<Box<dyn Future<Output = Result<(), sqlx::Error>> + Send + 't>>;

/// A write waiting in the queue with the caller to answer; erases the write's output type.
trait Queued: Send + Any {
    /// Applies this write and `others`, which share its [`Queued::group`], together.
    fn apply_with<'t>(&'t mut self, others: &'t mut [Box<dyn Queued>], tx: &'t mut Tx) -> Applying<'t>;
    /// Where the batch puts it: by lock order, then type. Writes with no lock order keep their
    /// order of arrival and are applied one by one; a run of writes of one type that have a lock
    /// order is applied together.
    fn group(&self) -> (Option<i64>, Option<TypeId>);
    /// Answers the caller: the output of the last `apply`, or `failure`.
    fn answer(self: Box<Self>, failure: Option<sqlx::Error>);
}

struct Pending<W: Write> {
    write: W,
    output: Option<W::Output>,
    reply: oneshot::Sender<Result<W::Output, sqlx::Error>>,
}

impl<W: Write> Queued for Pending<W> {
    fn apply_with<'t>(&'t mut self, others: &'t mut [Box<dyn Queued>], tx: &'t mut Tx) -> Applying<'t> {
        Box::pin(async move {
            if others.is_empty() {
                self.output = Some(self.write.apply(tx).await?);
                return Ok(());
            }
            let mut group: Vec<&mut Pending<W>> = vec![self];
            for other in others.iter_mut() {
                let other: &mut dyn Any = &mut **other;
                group.push(other.downcast_mut::<Pending<W>>().ok_or_else(mixed)?);
            }
            let outputs = {
                let writes: Vec<&W> = group.iter().map(|pending| &pending.write).collect();
                W::apply_together(&writes, tx).await?
            };
            if outputs.len() != group.len() {
                return Err(mixed());
            }
            for (pending, output) in group.into_iter().zip(outputs) {
                pending.output = Some(output);
            }
            Ok(())
        })
    }

    fn group(&self) -> (Option<i64>, Option<TypeId>) {
        let order = self.write.lock_order();
        (order, order.map(|_| TypeId::of::<W>()))
    }

    fn answer(self: Box<Self>, failure: Option<sqlx::Error>) {
        let answer = match (failure, self.output) {
            (Some(e), _) => Err(e),
            (None, Some(output)) => Ok(output),
            (None, None) => Err(gone()),
        };
        // An error only means the caller stopped waiting.
        let _ = self.reply.send(answer);
    }
}

fn gone() -> sqlx::Error {
    sqlx::Error::PoolClosed
}

/// A group whose writes were not all of one type, or an output missing: a bug, failing the batch.
fn mixed() -> sqlx::Error {
    sqlx::Error::Protocol("a write group mixed types or lost an output".into())
}

#[derive(Clone)]
pub struct Batcher {
    queue: mpsc::Sender<Box<dyn Queued>>,
}

impl Batcher {
    /// Starts the batcher's task: call inside a Tokio runtime.
    pub fn spawn(db: Db) -> Batcher {
        let (queue, jobs) = mpsc::channel(QUEUE);
        tokio::spawn(run(db, jobs));
        Batcher { queue }
    }

    /// Applies `write` in the next batch; answers once that batch is committed.
    pub async fn write<W: Write>(&self, write: W) -> Result<W::Output, sqlx::Error> {
        let (reply, answer) = oneshot::channel();
        self.queue.send(Box::new(Pending { write, output: None, reply })).await.map_err(|_| gone())?;
        answer.await.map_err(|_| gone())?
    }
}

/// Applies `write` in a transaction of its own, outside the batches: for a write that has to wait
/// for a row another transaction holds (another instance's batch, on PostgreSQL), so that its
/// wait holds up no batch and no batch's locks are held while it waits.
pub async fn alone<W: Write>(db: &Db, write: &W) -> Result<W::Output, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let output = write.apply(&mut tx).await?;
    tx.commit().await?;
    Ok(output)
}

async fn run(db: Db, mut jobs: mpsc::Receiver<Box<dyn Queued>>) {
    let mut batch: Vec<Box<dyn Queued>> = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = jobs.recv().await {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        crate::measures::write_batch(batch.len());
        batch.sort_by_key(|job| job.group());
        match apply_all(&db, &mut batch).await {
            Ok(()) => batch.drain(..).for_each(|job| job.answer(None)),
            Err(e) => {
                tracing::warn!(error = %e, jobs = batch.len(), "write batch failed; applying its writes one by one");
                for mut job in batch.drain(..) {
                    let alone = apply_all(&db, std::slice::from_mut(&mut job)).await;
                    job.answer(alone.err());
                }
            }
        }
    }
}

/// One transaction for all of `jobs` (sorted): each run of writes of one type with a lock order
/// applied together. Any failure (a statement or the commit) fails them all.
async fn apply_all(db: &Db, jobs: &mut [Box<dyn Queued>]) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let mut rest = jobs;
    while let Some((first, others)) = std::mem::take(&mut rest).split_first_mut() {
        let together = match first.group() {
            (Some(_), kind) => others.iter().take_while(|job| job.group().1 == kind).count(),
            (None, _) => 0,
        };
        let (with, next) = others.split_at_mut(together);
        // A failed statement leaves the transaction unusable (PostgreSQL) or a write half
        // done: give the batch up; the caller applies each write alone.
        first.apply_with(with, &mut tx).await?;
        rest = next;
    }
    tx.commit().await
}
