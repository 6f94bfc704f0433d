package org.facerec.spark.sql;

import java.util.List;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.IntegralType;
import org.apache.spark.sql.types.NullType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.facerec.spark.sql.SqlFunctions.Arg;

/**
 * The checks every function makes of its arguments when a query is analysed: a call with the
 * wrong number or the wrong types of arguments fails there, saying what was expected, rather
 * than giving nulls row after row.
 */
final class Args {
  private Args() {}

  static void arity(String name, List<Arg> args, int min, int max) {
    if (args.size() < min || args.size() > max) {
      throw new IllegalArgumentException(name + " takes " + (min == max ? min : min + " or "
          + max) + " arguments, not " + args.size());
    }
  }

  /** Argument {@code i} must be an encoding: an array of numbers (or a null). */
  static void encoding(String name, List<Arg> args, int i) {
    DataType t = args.get(i).type();
    boolean ok = t instanceof NullType || t instanceof ArrayType a
        && (a.elementType() instanceof NumericType || a.elementType() instanceof NullType);
    if (!ok) {
      throw new IllegalArgumentException(name + "'s argument " + (i + 1) + " must be an encoding "
          + "(an array of numbers), not " + t.simpleString() + ": " + args.get(i).sql());
    }
  }

  /** Argument {@code i} must be a number ({@code integral}: a whole one), or a null. */
  static void number(String name, List<Arg> args, int i, String what, boolean integral) {
    DataType t = args.get(i).type();
    boolean ok = t instanceof NullType
        || (integral ? t instanceof IntegralType : t instanceof NumericType);
    if (!ok) {
      throw new IllegalArgumentException(name + "'s " + what + " must be "
          + (integral ? "a whole number" : "a number") + ", not " + t.simpleString());
    }
  }

  /** Argument {@code i} must be image bytes, or a null. */
  static void bytes(String name, List<Arg> args, int i) {
    DataType t = args.get(i).type();
    if (!(t instanceof BinaryType) && !(t instanceof NullType)) {
      throw new IllegalArgumentException(name + " takes image bytes (binary, e.g. the binaryFile "
          + "source's content), not " + t.simpleString());
    }
  }

  /** Argument {@code i} must name a table or view as a string literal: its name. */
  static String tableName(String name, List<Arg> args, int i) {
    Arg table = args.get(i);
    if (!table.constant() || !(table.type() instanceof StringType)) {
      throw new IllegalArgumentException(name + "'s second argument must name a table or view "
          + "(a string literal such as 'residents'), not " + table.sql());
    }
    Object value = table.value();
    if (value == null) {
      throw new IllegalArgumentException(name + ": the table name is null");
    }
    return value.toString();
  }
}
