package dev.jray.attach;

import dev.jray.attach.AttachMessages.Ack;
import dev.jray.attach.AttachMessages.CasOutcome;
import dev.jray.attach.AttachMessages.GcsCasResult;
import dev.jray.attach.AttachMessages.GcsCompareAndSet;
import dev.jray.attach.AttachMessages.GcsContainsKey;
import dev.jray.attach.AttachMessages.GcsGet;
import dev.jray.attach.AttachMessages.GcsJobId;
import dev.jray.attach.AttachMessages.GcsKeys;
import dev.jray.attach.AttachMessages.GcsNextJobId;
import dev.jray.attach.AttachMessages.GcsPut;
import dev.jray.attach.AttachMessages.GcsPutIfAbsent;
import dev.jray.attach.AttachMessages.GcsPutStaged;
import dev.jray.attach.AttachMessages.GcsRemove;
import dev.jray.attach.AttachMessages.GcsSnapshot;
import dev.jray.attach.AttachMessages.GcsStagePart;
import dev.jray.attach.AttachMessages.GcsStaged;
import dev.jray.attach.AttachMessages.GcsStagedPart;
import dev.jray.attach.AttachMessages.GcsValue;
import dev.jray.attach.AttachMessages.MembershipQuery;
import dev.jray.attach.AttachMessages.MembershipView;
import dev.jray.attach.AttachMessages.TableCall;
import dev.jray.attach.AttachMessages.ToHost;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.cluster.Membership;
import dev.jray.gcs.table.GcsTable;
import dev.jray.link.NodeLinks;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Objects;

/**
 * Answers an attached process's GCS calls against the host's {@link Gcs}, and its membership
 * queries against the host's {@link Membership}. What the process sent is read back under the
 * GCS's allow-list ({@link GcsValueCodec}) and checked against the table's key and value types; a
 * refused or failed call is answered with an error naming the table and operation.
 *
 * <p>{@link GcsCompareAndSet} runs as the host table's {@code update}, whose operator gives up
 * (throws) when the value is not the one expected: the table is left as it was, and no change is
 * reported to its listeners.
 *
 * <p>Threading: stateless beyond the host's thread-safe GCS and membership; {@link #answer} runs
 * on the relay's executor and blocks on the GCS.
 */
final class RelayedCalls {
  private final Gcs gcs;
  private final Membership membership;

  RelayedCalls(Gcs gcs, Membership membership) {
    this.gcs = Objects.requireNonNull(gcs, "gcs");
    this.membership = Objects.requireNonNull(membership, "membership");
  }

  /** Answers {@code process}'s {@code request} on {@code reply}; on the executor. */
  void answer(AttachedProcess process, ToHost request, NodeLinks.Reply reply) {
    String what = describe(request);
    Object answer;
    try {
      answer = answer(process.staged, request, what);
    } catch (IllegalArgumentException refused) { // what the process sent, refused: says why
      reply.fail(refused.getMessage());
      return;
    } catch (RuntimeException e) {
      reply.fail(what + " failed on the host: " + e);
      return;
    }
    reply.ok(answer);
  }

  private Object answer(StagedBytes staged, ToHost request, String what) {
    if (request instanceof GcsGet r) {
      return value(staged, GcsValueCodec.encode(
          table(r.table()).get(key(r.table(), r.key(), what))));
    } else if (request instanceof GcsContainsKey r) {
      return table(r.table()).containsKey(key(r.table(), r.key(), what));
    } else if (request instanceof GcsPut r) {
      table(r.table()).put(key(r.table(), r.key(), what), value(r.table(), r.value(), what));
      return new Ack();
    } else if (request instanceof GcsPutIfAbsent r) {
      return value(staged, GcsValueCodec.encode(table(r.table())
          .putIfAbsent(key(r.table(), r.key(), what), value(r.table(), r.value(), what))));
    } else if (request instanceof GcsPutStaged r) {
      Object key = key(r.table(), r.key(), what);
      Object value = value(r.table(), staged.take(r.stage()), what);
      if (!r.ifAbsent()) {
        table(r.table()).put(key, value);
        return new Ack();
      }
      return value(staged, GcsValueCodec.encode(table(r.table()).putIfAbsent(key, value)));
    } else if (request instanceof GcsStagePart r) {
      staged.receive(r.stage(), r.offset(), r.total(), r.part());
      return new Ack();
    } else if (request instanceof GcsStagedPart r) {
      return new GcsValue(staged.answerPart(r.stage(), r.offset()));
    } else if (request instanceof GcsRemove r) {
      return value(staged, GcsValueCodec.encode(
          table(r.table()).remove(key(r.table(), r.key(), what))));
    } else if (request instanceof GcsCompareAndSet r) {
      return compareAndSet(r, what);
    } else if (request instanceof GcsKeys r) {
      return value(staged, GcsValueCodec.encode(new HashSet<>(table(r.table()).keys())));
    } else if (request instanceof GcsSnapshot r) {
      return value(staged, GcsValueCodec.encode(new HashMap<>(table(r.table()).snapshot())));
    } else if (request instanceof GcsNextJobId) {
      return new GcsJobId(gcs.nextJobId());
    } else if (request instanceof MembershipQuery) {
      return new MembershipView(new HashSet<>(membership.liveNodes()),
          new ArrayList<>(membership.fullMemberAddresses()));
    }
    throw new IllegalArgumentException(what + " is not a call the host answers");
  }

  /** A value as a reply: in one frame if it fits, else staged to be read in parts. */
  private static Object value(StagedBytes staged, byte[] bytes) {
    if (bytes == null || bytes.length <= StagedBytes.PART_BYTES) {
      return new GcsValue(bytes);
    }
    return new GcsStaged(staged.stageAnswer(bytes), bytes.length);
  }

  /** The expected value no longer there: the update leaves the table as it was. */
  private static final class Changed extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient Object current;

    Changed(Object current) {
      super(null, null, false, false); // control flow, not an error: no stack trace
      this.current = current;
    }
  }

  private GcsCasResult compareAndSet(GcsCompareAndSet r, String what) {
    Object key = key(r.table(), r.key(), what);
    Object expected = value(r.table(), r.expected(), what);
    Object next = r.next() == null ? null : value(r.table(), r.next(), what);
    boolean[] applied = {false};
    try {
      table(r.table()).update(key, current -> {
        if (!GcsValueCodec.sameValue(current, expected)) {
          throw new Changed(current);
        }
        applied[0] = true;
        return next;
      });
    } catch (Changed c) {
      return new GcsCasResult(CasOutcome.CHANGED, GcsValueCodec.encode(c.current));
    }
    // the operator runs only on a present value: not run, the key had none
    return new GcsCasResult(applied[0] ? CasOutcome.SET : CasOutcome.ABSENT, null);
  }

  private GcsTable<Object, Object> table(GcsTableName name) {
    if (name == null) {
      throw new IllegalArgumentException("a call names no table");
    }
    return name.of(gcs);
  }

  private static Object key(GcsTableName table, byte[] bytes, String what) {
    Object key = GcsValueCodec.decode(bytes, table.keyType(), "the key of " + what);
    if (key == null) {
      throw new IllegalArgumentException(what + " has no key");
    }
    return key;
  }

  private static Object value(GcsTableName table, byte[] bytes, String what) {
    Object value = GcsValueCodec.decode(bytes, table.valueType(), "the value of " + what);
    if (value == null) {
      throw new IllegalArgumentException(what + " has no value");
    }
    return value;
  }

  /** The call, as errors name it: "GCS actors.get", "GCS nextJobId", "membership query". */
  private static String describe(ToHost request) {
    if (request instanceof MembershipQuery) {
      return "membership query";
    }
    String simple = request.getClass().getSimpleName().substring("Gcs".length());
    String operation = Character.toLowerCase(simple.charAt(0)) + simple.substring(1);
    if (request instanceof TableCall call && call.table() != null) {
      return "GCS " + call.table().label() + "." + operation;
    }
    return "GCS " + operation;
  }
}
