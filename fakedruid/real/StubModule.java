// An empty Druid module. fakedruid compiles one copy per class named in a release's recipe
// (fakedruid/real/maven.py, RECIPES), with the package line and the class name replaced, into
// <cache>/druid/<version>/lib/fakedruid-stubs.jar: Druid's service loading names these classes, but they
// live in an artifact the recipe leaves out.
package org.apache.druid.fakedruid.stub;

import com.google.inject.Binder;
import org.apache.druid.initialization.DruidModule;

public class StubModule implements DruidModule
{
  @Override
  public void configure(Binder binder)
  {
    // Nothing: the excluded artifact's bindings are not needed by the Coordinator-Overlord.
  }
}
