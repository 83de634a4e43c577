-- What one attempt asked, for a quiz that shuffles or draws some of its questions: the question ids in the order
-- shown and each one's options (by authored position) in the order shown. Grading, feedback and item analysis stay
-- keyed on question ids; NULL is every question in the order written (every attempt before V14, and quizzes that
-- do not vary).
ALTER TABLE attempts ADD COLUMN drawn JSONB CHECK (drawn IS NULL OR jsonb_typeof(drawn->'questions') = 'array');
