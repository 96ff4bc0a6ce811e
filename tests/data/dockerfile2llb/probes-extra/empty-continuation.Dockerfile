# Probe: an empty line inside a continued RUN (NoEmptyContinuation warning).
FROM alpine
RUN echo a \

  b
