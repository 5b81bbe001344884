# One image for every service; APP picks which one runs (order-service, auth,
# course-validation, payment, or all-in-one). Used by docker-compose.yml.
# Not built on the development machine of this project (it has no Docker engine).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
# One build compiles every app and library (path aliases rewritten to relative requires).
RUN npx nest build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
ARG APP=all-in-one
ENV APP=${APP}
USER node
CMD ["sh", "-c", "exec node dist/apps/${APP}/src/main.js"]
