"""MTurk's study-file rules: qualifications, the question (ExternalQuestion, HTMLQuestion,
QuestionForm), money warnings and the `deploy init` template."""
