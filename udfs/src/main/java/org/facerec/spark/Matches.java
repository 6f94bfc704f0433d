package org.facerec.spark;

import ai.djl.ndarray.NDManager;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.TaskCompletionListener;
import org.facerec.match.Candidate;
import org.facerec.match.NearestResidents;
import org.facerec.match.ResidentMatrix;
import org.facerec.model.Torch;
import scala.collection.JavaConverters;

/**
 * The partition functions of the 1:K search. Residents that fit are broadcast as one matrix and
 * every probe partition searches it ({@link Broadcasted}); larger tables are cut into blocks and
 * each (probe block, resident block) pair of a cross join yields partial top-k lists
 * ({@link Blocked}) that the driver's plan merges per probe.
 */
public final class Matches {
  private Matches() {}

  /** {@code array<struct<resident_id, distance>>}, nearest first. */
  public static final StructType CANDIDATE = new StructType()
      .add("resident_id", DataTypes.StringType, false)
      .add("distance", DataTypes.DoubleType, false);

  /** Output of both functions: the probe's key and its candidates. */
  public static final StructType OUTPUT = new StructType()
      .add("probe_key", DataTypes.StringType, false)
      .add("candidates", DataTypes.createArrayType(CANDIDATE, false), false);

  /** Rows per engine call: enough to keep the matmul busy, few enough to bound memory. */
  private static final int PROBE_BATCH = 1024;

  /** Probes (key, embedding) against a broadcast resident matrix. */
  public static final class Broadcasted implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<ResidentMatrix> residents;
    private final int k;

    public Broadcasted(Broadcast<ResidentMatrix> residents, int k) {
      this.residents = residents;
      this.k = k;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> probes) {
      Torch.configure();
      NDManager manager = NDManager.newBaseManager(ModelHolder.taskDevice());
      NearestResidents nn = new NearestResidents(residents.value(), k, manager);
      closeWithTask(manager);
      return new BatchedSearch(probes, nn, manager);
    }
  }

  /** Each row: a probe block and a resident block; out: partial candidates per probe. */
  public static final class Blocked implements FlatMapFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final int k;

    public Blocked(int k) {
      this.k = k;
    }

    @Override
    public Iterator<Row> call(Row pair) {
      Torch.configure();
      List<String> keys = pair.getList(0);
      float[] probeData = floats(pair.getAs(1));
      List<String> ids = pair.getList(2);
      float[] residentData = floats(pair.getAs(3));
      int dim = keys.isEmpty() ? 0 : probeData.length / keys.size();
      List<float[]> probes = new ArrayList<>(keys.size());
      for (int i = 0; i < keys.size(); i++) {
        float[] p = new float[dim];
        System.arraycopy(probeData, i * dim, p, 0, dim);
        probes.add(p);
      }
      ResidentMatrix m = new ResidentMatrix(ids.toArray(new String[0]), residentData, dim);
      List<Row> out = new ArrayList<>(keys.size());
      try (NDManager manager = NDManager.newBaseManager(ModelHolder.taskDevice());
          NearestResidents nn = new NearestResidents(m, k, manager)) {
        List<Candidate[]> found = nn.search(probes);
        for (int i = 0; i < keys.size(); i++) {
          out.add(RowFactory.create(keys.get(i), candidateRows(found.get(i))));
        }
      }
      return out.iterator();
    }
  }

  /** Packs (id, embedding) rows into blocks: {@code ids array<string>, data binary}. */
  public static final class Pack implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final int blockRows;

    public Pack(int blockRows) {
      this.blockRows = blockRows;
    }

    public static StructType schema(String idsName, String dataName) {
      return new StructType()
          .add(idsName, DataTypes.createArrayType(DataTypes.StringType, false), false)
          .add(dataName, DataTypes.BinaryType, false);
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      List<Row> blocks = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      List<float[]> vecs = new ArrayList<>();
      while (rows.hasNext()) {
        Row r = rows.next();
        ids.add(r.getString(0));
        vecs.add(Embeddings.of(r, 1));
        if (ids.size() == blockRows) {
          blocks.add(block(ids, vecs));
          ids = new ArrayList<>();
          vecs = new ArrayList<>();
        }
      }
      if (!ids.isEmpty()) {
        blocks.add(block(ids, vecs));
      }
      return blocks.iterator();
    }

    private static Row block(List<String> ids, List<float[]> vecs) {
      int dim = vecs.get(0).length;
      ByteBuffer buf = ByteBuffer.allocate(4 * dim * vecs.size()).order(ByteOrder.LITTLE_ENDIAN);
      for (float[] v : vecs) {
        for (float f : v) {
          buf.putFloat(f);
        }
      }
      return RowFactory.create(JavaConverters.asScalaBuffer(ids).toSeq(), buf.array());
    }
  }

  private static final class BatchedSearch extends BatchingIterator<Row, Row> {
    private final NearestResidents nn;
    private final NDManager manager;

    BatchedSearch(Iterator<Row> probes, NearestResidents nn, NDManager manager) {
      super(probes, PROBE_BATCH);
      this.nn = nn;
      this.manager = manager;
    }

    @Override
    protected List<Row> process(List<Row> probes) {
      List<float[]> vecs = new ArrayList<>(probes.size());
      for (Row r : probes) {
        vecs.add(Embeddings.of(r, 1));
      }
      List<Candidate[]> found = nn.search(vecs);
      List<Row> out = new ArrayList<>(probes.size());
      for (int i = 0; i < probes.size(); i++) {
        out.add(RowFactory.create(probes.get(i).getString(0), candidateRows(found.get(i))));
      }
      return out;
    }

    @Override
    protected void finished() {
      if (TaskContext.get() == null) {
        manager.close();
      }
    }
  }

  static Object candidateRows(Candidate[] cs) {
    List<Row> rows = new ArrayList<>(cs.length);
    for (Candidate c : cs) {
      rows.add(RowFactory.create(c.residentId(), c.distance()));
    }
    return JavaConverters.asScalaBuffer(rows).toSeq();
  }

  private static float[] floats(byte[] bytes) {
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    float[] v = new float[bytes.length / 4];
    buf.asFloatBuffer().get(v);
    return v;
  }

  private static void closeWithTask(NDManager manager) {
    TaskContext tc = TaskContext.get();
    if (tc != null) {
      tc.addTaskCompletionListener((TaskCompletionListener) ctx -> manager.close());
    }
  }
}
