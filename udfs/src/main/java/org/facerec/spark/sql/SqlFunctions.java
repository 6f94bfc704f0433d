package org.facerec.spark.sql;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.classic.UserDefinedFunctionUtils;
import org.apache.spark.sql.expressions.SparkUserDefinedFunction;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import scala.Tuple3;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The one place facerec's SQL functions meet Spark's internals: a function is a builder that
 * Spark's analyser calls with the call's argument expressions (so that it can check their types
 * and read a literal, e.g. {@code face_nearest}'s table name, and refuse with a message that
 * says what was expected), registered in a session's function registry ({@code classic}
 * {@code SparkSession}) or injected by a {@code spark.sql.extensions} class
 * ({@link FunctionIdentifier}, {@link ExpressionInfo}), and it returns a UDF call
 * ({@code UserDefinedFunctionUtils}). {@code spark.udf().register} would serve neither: it
 * fixes the arity and coerces argument types, so optional arguments, literal table names and the
 * analysis-time messages would go. The function families see only {@link Arg} and {@link Call}.
 */
public final class SqlFunctions {
  private SqlFunctions() {}

  /** One argument of a call, as the analyser sees it. */
  public static final class Arg {
    private final Expression expression;

    private Arg(Expression expression) {
      this.expression = expression;
    }

    /** An integer literal, for an argument the caller left out. */
    public static Arg literal(int value) {
      return new Arg(Literal.create(value, DataTypes.IntegerType));
    }

    public DataType type() {
      return expression.dataType();
    }

    /** The argument as SQL text, for messages. */
    public String sql() {
      return expression.sql();
    }

    /** True when the value is known at analysis time (a literal or constant expression). */
    public boolean constant() {
      return expression.foldable();
    }

    /** The value of a {@link #constant} argument. */
    public Object value() {
      return expression.eval(null);
    }
  }

  /** A function's result: the call of a UDF on arguments. */
  public static final class Call {
    private final Expression expression;

    private Call(Expression expression) {
      this.expression = expression;
    }
  }

  /** Checks a call's arguments when the query is analysed and returns the UDF call. */
  @FunctionalInterface
  public interface Builder {
    Call build(List<Arg> args);
  }

  /** One function: its name, its usage line ({@code DESCRIBE FUNCTION}) and its builder. */
  public static final class Definition {
    private final FunctionIdentifier id;
    private final ExpressionInfo info;
    private final scala.Function1<Seq<Expression>, Expression> builder;

    private Definition(String name, String usage, Builder builder) {
      this.id = new FunctionIdentifier(name);
      this.info = new ExpressionInfo(FaceFunctions.class.getName(), null, name, usage, "");
      this.builder = children -> {
        List<Arg> args = new ArrayList<>();
        for (Expression e : CollectionConverters.asJava(children)) {
          args.add(new Arg(e));
        }
        return builder.build(args).expression;
      };
    }

    public String name() {
      return id.funcName();
    }
  }

  public static Definition define(String name, String usage, Builder builder) {
    return new Definition(name, usage, builder);
  }

  /** The call of {@code udf}, named {@code name}, on {@code args}. */
  public static Call call(String name, UserDefinedFunction udf, List<Arg> args) {
    SparkUserDefinedFunction named = (SparkUserDefinedFunction) udf.withName(name);
    List<Expression> children = new ArrayList<>();
    for (Arg a : args) {
      children.add(a.expression);
    }
    return new Call(UserDefinedFunctionUtils.toScalaUDF(named,
        CollectionConverters.asScala(children).toList()));
  }

  /** Registers {@code functions} in {@code spark}'s session (temporary functions). */
  public static void register(SparkSession spark, List<Definition> functions) {
    var registry = ((org.apache.spark.sql.classic.SparkSession) spark).sessionState()
        .functionRegistry();
    for (Definition d : functions) {
      registry.registerFunction(d.id, d.info, d.builder);
    }
  }

  /** Adds {@code functions} to every session built with {@code extensions}. */
  public static void inject(SparkSessionExtensions extensions, List<Definition> functions) {
    for (Definition d : functions) {
      extensions.injectFunction(new Tuple3<>(d.id, d.info, d.builder));
    }
  }
}
