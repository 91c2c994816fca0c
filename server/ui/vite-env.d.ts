// The apps import CSS and assets through Vite; these are Vite's declarations for them.
/// <reference types="vite/client" />
