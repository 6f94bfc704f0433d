package org.facerec.spark.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.facerec.match.Candidate;
import org.facerec.match.NearestResidents;
import org.facerec.match.ResidentMatrix;
import org.facerec.spark.Matches;
import org.facerec.spark.sql.SqlFunctions.Arg;
import org.facerec.spark.sql.SqlFunctions.Call;

/**
 * {@code face_nearest(embedding, 'table' [, k])}: the k nearest residents of a table or view,
 * exact, nearest first. The table is read and broadcast on the driver when the query is analysed
 * ({@link FaceFunctions.Setup#residents}); each row is then a scan of it in Java, which suits
 * look-ups, not bulk search (that is {@code facerec identify}'s batched matmul).
 */
final class NearestFunction {
  static final String NAME = "face_nearest";
  private final Supplier<FaceFunctions.Setup> setup;

  NearestFunction(Supplier<FaceFunctions.Setup> setup) {
    this.setup = setup;
  }

  Call nearest(List<Arg> args) {
    String name = NAME;
    Args.arity(name, args, 2, 3);
    Args.encoding(name, args, 0);
    String table = Args.tableName(name, args, 1);
    List<Arg> children = new ArrayList<>(List.of(args.get(0)));
    if (args.size() == 3) {
      Args.number(name, args, 2, "k", true);
      children.add(args.get(2));
    } else {
      children.add(Arg.literal(1));
    }
    Broadcast<ResidentMatrix> residents = setup.get().residents(name, table);
    UDF2<Object, Object, List<Row>> f = (e, k) -> {
      int dim = residents.value().dim();
      float[] probe = Values.encoding(name, e, dim);
      if (probe == null) {
        return null;
      }
      if (k == null || ((Number) k).longValue() < 1) {
        Values.warn(name, "k must be at least 1, not " + k);
        return null;
      }
      List<Row> out = new ArrayList<>();
      for (Candidate c : NearestResidents.scan(residents.value(), probe,
          (int) Math.min(Integer.MAX_VALUE, ((Number) k).longValue()))) {
        out.add(RowFactory.create(c.residentId(), c.distance()));
      }
      return out;
    };
    return SqlFunctions.call(name,
        functions.udf(f, DataTypes.createArrayType(Matches.CANDIDATE, false)), children);
  }
}
