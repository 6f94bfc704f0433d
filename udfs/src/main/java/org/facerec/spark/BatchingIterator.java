package org.facerec.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A partition's rows, a batch at a time: pulls up to {@code batchSize} inputs, turns them into
 * outputs in one call (one forward pass, one matmul), and hands those out one by one. Lazy, as
 * Spark's iterators are; {@link #finished()} runs once when the input is exhausted.
 */
public abstract class BatchingIterator<I, O> implements Iterator<O> {
  private final Iterator<I> input;
  private final int batchSize;
  private List<O> ready = List.of();
  private int next;
  private boolean done;

  protected BatchingIterator(Iterator<I> input, int batchSize) {
    this.input = input;
    this.batchSize = batchSize;
  }

  /** The outputs of one batch, in order. */
  protected abstract List<O> process(List<I> batch);

  /** Called once after the last batch. */
  protected void finished() {}

  @Override
  public final boolean hasNext() {
    while (next >= ready.size()) {
      if (!input.hasNext()) {
        if (!done) {
          done = true;
          finished();
        }
        return false;
      }
      List<I> batch = new ArrayList<>(batchSize);
      while (input.hasNext() && batch.size() < batchSize) {
        batch.add(input.next());
      }
      ready = process(batch);
      next = 0;
    }
    return true;
  }

  @Override
  public final O next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return ready.get(next++);
  }
}
